export { app, buildApp } from './app.js';
export { createApiKey, listApiKeys, revokeApiKey, SCOPES, type Scope } from './auth/keys.js';
export type { ApiDeps } from './deps.js';
export type { WellResultView } from './schemas/results.js';
export { startServer } from './server.js';
export { createWebhookDispatcher, type WebhookDispatcher } from './webhooks/dispatcher.js';
