import type { EventEnvelope } from '@platescale/shared';
import { createJobEventConsumer } from '../events/consumer.js';
import { database } from './database.js';
import { logger } from './deps.js';

const consume = createJobEventConsumer({ db: database.db });

/** EventBridge rule target: source platescale.analysis, the three completion DetailTypes. */
export async function handler(envelope: EventEnvelope): Promise<void> {
  await consume(envelope);
  logger.info('job event applied', { eventId: envelope.id, detailType: envelope['detail-type'] });
}
