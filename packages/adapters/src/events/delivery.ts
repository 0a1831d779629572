import { setTimeout as sleep } from 'node:timers/promises';
import type { EventEnvelope, EventHandler } from '@platescale/shared';
import type { AdapterLogger } from '../logger.js';

export interface DeliveryOptions {
  /** Deliveries per subscriber and event, the first included (EventBridge also retries a failing target). */
  maxAttempts?: number;
  retryDelayMs?: number;
  logger?: AdapterLogger;
}

/**
 * Delivers one event to one subscriber, retrying with backoff; a subscriber that keeps failing is logged and
 * skipped. Never rejects: one failing subscriber must not affect the publisher nor the other subscribers.
 */
export async function deliver(handler: EventHandler, envelope: EventEnvelope, opts: DeliveryOptions): Promise<void> {
  const maxAttempts = opts.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      await handler(envelope);
      return;
    } catch (err) {
      if (attempt >= maxAttempts) {
        (opts.logger ?? console).error(
          { err, eventId: envelope.id, detailType: envelope['detail-type'], attempts: attempt },
          'event subscriber failed; event dropped for this subscriber',
        );
        return;
      }
      await sleep((opts.retryDelayMs ?? 100) * 2 ** (attempt - 1));
    }
  }
}
