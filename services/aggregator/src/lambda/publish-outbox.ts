import { createOutboxPublisher } from '../outbox/publisher.js';
import { database, events } from './database.js';
import { logger } from './deps.js';

const publisher = createOutboxPublisher({ db: database.db, events });

/** Scheduled sweep (e.g. every minute): publishes outbox rows an aggregator crash left behind. */
export async function handler(): Promise<{ published: number }> {
  const published = await publisher.publishPending({ limit: 500 });
  if (published > 0) logger.warn('published events left in the outbox', { published });
  return { published };
}
