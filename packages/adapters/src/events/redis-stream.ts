import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EventBus, type EventEnvelope, type EventHandler, UnavailableError } from '@platescale/shared';
import { Redis } from 'ioredis';
import { type DeliveryOptions, deliver } from './delivery.js';
import { toEnvelopes } from './envelope.js';

export interface RedisStreamEventBusOptions extends DeliveryOptions {
  url: string;
  /** Stream key; one per deployment. */
  stream: string;
  /** Consumer group: each event goes to one subscriber process of the group (like one rule target). */
  group?: string;
  consumer?: string;
  region: string;
  account: string;
  /** How long one XREADGROUP waits for events. */
  blockMs?: number;
  /** Entries kept in the stream (approximate trim). */
  maxLength?: number;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * A bus between processes (docker compose: the aggregator Lambda container publishes, the API process
 * consumes) over a Redis stream with a consumer group. Same envelope and delivery rules as the in-process bus;
 * an entry is acknowledged once every subscriber has had it, and entries a dead consumer left unacknowledged
 * are claimed again after a minute. Connections are unref'd: the bus never keeps a process alive.
 */
export function createRedisStreamEventBus(opts: RedisStreamEventBusOptions): EventBus & { close(): Promise<void> } {
  const group = opts.group ?? 'platescale';
  const consumer = opts.consumer ?? `${hostname()}-${process.pid}`;
  const logger = opts.logger ?? console;
  const connect = (blocking: boolean) => {
    const redis = new Redis(opts.url, {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: blocking ? null : 3,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    redis.on('connect', () => redis.stream?.unref());
    redis.on('error', () => {});
    return redis;
  };
  const writer = connect(false);
  let reader: Redis | undefined;
  let loop: Promise<void> | undefined;
  const handlers = new Set<EventHandler>();
  const inFlight = new Set<Promise<void>>();

  async function handle(entries: StreamEntry[]): Promise<void> {
    for (const [id, fields] of entries) {
      const json = fields[fields.indexOf('envelope') + 1];
      const envelope = json === undefined ? undefined : (JSON.parse(json) as EventEnvelope);
      const delivery = (async () => {
        if (envelope) for (const handler of [...handlers]) await deliver(handler, envelope, opts);
        await writer.xack(opts.stream, group, id);
      })();
      inFlight.add(delivery);
      await delivery.finally(() => inFlight.delete(delivery));
    }
  }

  async function consume(redis: Redis): Promise<void> {
    // '0': a new group also gets the events published before any consumer started.
    await redis.xgroup('CREATE', opts.stream, group, '0', 'MKSTREAM').catch((err: Error) => {
      if (!err.message.includes('BUSYGROUP')) throw err;
    });
    let lastClaim = 0;
    while (handlers.size > 0) {
      try {
        if (Date.now() - lastClaim > 30_000) {
          lastClaim = Date.now();
          const [, claimed] = (await redis.xautoclaim(opts.stream, group, consumer, 60_000, '0-0', 'COUNT', 100)) as [
            string,
            StreamEntry[],
          ];
          await handle(claimed);
        }
        const read = (await redis.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          10,
          'BLOCK',
          opts.blockMs ?? 1_000,
          'STREAMS',
          opts.stream,
          '>',
        )) as [string, StreamEntry[]][] | null;
        for (const [, entries] of read ?? []) await handle(entries);
      } catch (err) {
        if (handlers.size === 0) return;
        logger.warn({ err, stream: opts.stream }, 'event stream read failed; retrying');
        await sleep(1_000);
      }
    }
  }

  const stop = async () => {
    const running = loop;
    reader?.disconnect();
    reader = undefined;
    loop = undefined;
    await running?.catch(() => {});
  };

  return {
    async publish(events) {
      const envelopes = toEnvelopes(events, opts);
      const pipeline = writer.pipeline();
      for (const e of envelopes) {
        pipeline.xadd(opts.stream, 'MAXLEN', '~', opts.maxLength ?? 10_000, '*', 'envelope', JSON.stringify(e));
      }
      const results = (await pipeline.exec().catch((err: unknown) => [[err, null]])) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw new UnavailableError(`publishing to Redis stream ${opts.stream} failed`, failed[0]);
      return envelopes.map((e) => e.id);
    },
    subscribe(handler) {
      handlers.add(handler);
      if (!loop) {
        reader = connect(true);
        loop = consume(reader).catch((err: unknown) => {
          logger.error({ err, stream: opts.stream }, 'event stream consumer stopped');
        });
      }
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0) void stop();
      };
    },
    async drain() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      handlers.clear();
      await stop();
      await this.drain();
      writer.disconnect();
    },
  };
}
