import { openConfiguredDatabase } from '@platescale/db';
import { type EventEnvelope, loadConfig } from '@platescale/shared';
import { createWebhookDispatcher } from './dispatcher.js';

// Created once per Lambda container; DATABASE_URL points at the RDS database.
const config = loadConfig();
const dispatcher = openConfiguredDatabase(config).then((db) => createWebhookDispatcher({ db, config }));

/** Target of the EventBridge rule on source platescale.analysis: queue the deliveries, make the first attempts. */
export async function handler(event: EventEnvelope): Promise<{ attempted: number }> {
  const d = await dispatcher;
  await d.handle(event);
  return { attempted: await d.runDue() };
}

/** Target of an EventBridge Scheduler rule (every minute): the retries that are due. */
export async function retryHandler(): Promise<{ attempted: number }> {
  return { attempted: await (await dispatcher).runDue() };
}
