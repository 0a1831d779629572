import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventToPublish } from '@platescale/shared';
import { sizeEntry } from './entry.js';

/**
 * The EventBridge envelope of each event, as a rule target receives it (second-precision time, detail copied
 * through JSON). Refuses events EventBridge would refuse, so embedded runs fail where production would.
 */
export function toEnvelopes(events: EventToPublish[], origin: { region: string; account: string }): EventEnvelope[] {
  return events.map(sizeEntry).map(({ event, detailJson }) => ({
    version: '0',
    id: randomUUID(),
    'detail-type': event.detailType,
    source: event.source,
    account: origin.account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: origin.region,
    resources: event.resources ?? [],
    detail: JSON.parse(detailJson),
  }));
}
