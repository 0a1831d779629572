import { createEventBus } from '@platescale/adapters';
import { openConfiguredDatabase } from '@platescale/db';
import { config } from './deps.js';

// Handlers that write results or job state share one pool per execution environment.
export const events = createEventBus(config);
export const database = await openConfiguredDatabase(config);
