import { Logger } from '@aws-lambda-powertools/logger';
import { createEventBus, createObjectStore } from '@platescale/adapters';
import { openConfiguredDatabase } from '@platescale/db';
import { loadConfig } from '@platescale/shared';

// Created once per Lambda execution environment and reused by every invocation.
export const config = loadConfig();
export const logger = new Logger({ serviceName: 'platescale-aggregator' });
export const objects = createObjectStore(config);
export const events = createEventBus(config);
export const database = await openConfiguredDatabase(config);
