import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus, EventEnvelope, EventHandler } from '@platescale/shared';
import type { AdapterLogger } from '../logger.js';
import { sizeEntry } from './entry.js';

export interface InProcessEventBusOptions {
  region: string;
  account: string;
  /** Deliveries per subscriber and event, the first included (EventBridge also retries a failing target). */
  maxAttempts?: number;
  retryDelayMs?: number;
  logger?: AdapterLogger;
}

/**
 * The embedded bus: builds the exact EventBridge envelope and delivers it to every subscriber asynchronously,
 * after `publish` resolves, as EventBridge does. A failing subscriber is retried with backoff and then logged;
 * it never fails the publisher nor other subscribers.
 */
export function createInProcessEventBus(opts: InProcessEventBusOptions): EventBus {
  const logger = opts.logger ?? console;
  const maxAttempts = opts.maxAttempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 100;
  const handlers = new Set<EventHandler>();
  const inFlight = new Set<Promise<void>>();

  async function deliver(handler: EventHandler, envelope: EventEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(envelope);
        return;
      } catch (err) {
        if (attempt >= maxAttempts) {
          logger.error(
            { err, eventId: envelope.id, detailType: envelope['detail-type'], attempts: attempt },
            'event subscriber failed; event dropped for this subscriber',
          );
          return;
        }
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  return {
    async publish(events) {
      const sized = events.map(sizeEntry);
      const envelopes = sized.map(
        ({ event, detailJson }): EventEnvelope => ({
          version: '0',
          id: randomUUID(),
          'detail-type': event.detailType,
          source: event.source,
          account: opts.account,
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: opts.region,
          resources: event.resources ?? [],
          // Subscribers get their own copy, as they would from EventBridge's JSON.
          detail: JSON.parse(detailJson),
        }),
      );
      for (const envelope of envelopes) {
        for (const handler of handlers) {
          const delivery = new Promise<void>((done) => setImmediate(done)).then(() => deliver(handler, envelope));
          inFlight.add(delivery);
          void delivery.finally(() => inFlight.delete(delivery));
        }
      }
      return envelopes.map((e) => e.id);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    async drain() {
      // A delivery may publish further events; wait until nothing is left in flight.
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
