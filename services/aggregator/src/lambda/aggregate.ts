import type { AggregateInput } from '@platescale/shared';
import { type AggregateOutput, createAggregateHandler } from '../aggregate/handler.js';
import { database, events } from './database.js';
import { logger, objects } from './deps.js';

const aggregate = createAggregateHandler({ db: database.db, objects, events });

/** Step Functions Tasks Aggregate (ResultWriter pointer) and ReportFailure (error). */
export async function handler(input: AggregateInput): Promise<AggregateOutput> {
  const output = await aggregate(input);
  logger.info('job aggregated', { ...output });
  return output;
}
