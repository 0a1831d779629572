/**
 * The Aggregate task in a process of its own (as the aggregator is its own Lambda on AWS), so bench:scale
 * measures that process's peak RSS. Receives the task input over IPC, answers { output, timings, peakRssMb };
 * completion events go back to the parent's bus over IPC (the outbox still commits with the results here).
 */
import { randomUUID } from 'node:crypto';
import { createObjectStore } from '../../../packages/adapters/src/index.js';
import { openConfiguredDatabase } from '../../../packages/db/src/index.js';
import { type AggregateInput, type EventBus, loadConfig } from '../../../packages/shared/src/index.js';
import { type AggregateTimings, createAggregateHandler } from '../../../services/aggregator/src/index.js';
import { peakRssMb } from './peak-rss.js';

const config = loadConfig();
const database = await openConfiguredDatabase(config);
const events: EventBus = {
  async publish(batch) {
    process.send?.({ type: 'events', events: batch });
    return batch.map(() => randomUUID());
  },
  subscribe: () => () => undefined,
  drain: async () => undefined,
};
let timings: AggregateTimings | undefined;
const aggregate = createAggregateHandler({
  db: database.db,
  objects: createObjectStore(config),
  events,
  onTimings: (t) => {
    timings = t;
  },
});

process.once('message', async (input: AggregateInput) => {
  try {
    const output = await aggregate(input);
    process.send?.({ type: 'done', output, timings, peakRssMb: peakRssMb() });
  } catch (err) {
    process.send?.({ type: 'error', name: (err as Error).name, message: (err as Error).message });
  } finally {
    await database.close();
    process.disconnect?.();
  }
});
process.send?.({ type: 'ready' });
