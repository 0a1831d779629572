import type { EventBus, EventHandler } from '@platescale/shared';
import { type DeliveryOptions, deliver } from './delivery.js';
import { toEnvelopes } from './envelope.js';

export interface InProcessEventBusOptions extends DeliveryOptions {
  region: string;
  account: string;
}

/**
 * The embedded bus: builds the exact EventBridge envelope and delivers it to every subscriber asynchronously,
 * after `publish` resolves, as EventBridge does. A failing subscriber is retried with backoff and then logged;
 * it never fails the publisher nor other subscribers.
 */
export function createInProcessEventBus(opts: InProcessEventBusOptions): EventBus {
  const handlers = new Set<EventHandler>();
  const inFlight = new Set<Promise<void>>();

  return {
    async publish(events) {
      const envelopes = toEnvelopes(events, opts);
      for (const envelope of envelopes) {
        for (const handler of handlers) {
          const delivery = new Promise<void>((done) => setImmediate(done)).then(() => deliver(handler, envelope, opts));
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
