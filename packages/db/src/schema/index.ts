export { experiments, imageResults, jobs, processedEvents, wellResults } from './analysis.js';
export { apiKeys, idempotencyKeys, tenants, webhookAttempts, webhookDeliveries, webhooks } from './api.js';
export { engineExecutions } from './engine.js';
export { type ModelArchitecture, type ModelMetrics, models } from './models.js';
export { conditionResults, doseResponseFits, outbox, plateMapWells, plateQc, type WellRole } from './results.js';
