import { Model } from '../routes/models/schemas.js';
import { Problem } from './common.js';
import { Experiment } from './experiments.js';
import { Job, JobCost, Progress } from './jobs.js';
import { ApiKey } from './keys.js';
import { PlateMap } from './plate-maps.js';
import { Webhook, WebhookDelivery } from './webhooks.js';

/**
 * The schemas registered once with addSchema and referenced with Ref(): generated clients get them as named types
 * (`components['schemas']['Job']`) instead of an anonymous copy per operation. Each one's `$id` is its name.
 */
export const COMPONENTS = [
  Problem,
  Progress,
  JobCost,
  Job,
  Experiment,
  PlateMap,
  Webhook,
  WebhookDelivery,
  Model,
  ApiKey,
];
