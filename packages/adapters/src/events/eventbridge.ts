import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventBus } from '@platescale/shared';
import { AWS_RETRY_CONFIG, mapAwsError } from '../aws/errors.js';
import { EventPublishError } from '../errors.js';
import { batchEntries, type SizedEntry, sizeEntry } from './entry.js';

export interface EventBridgeBusOptions {
  busName: string;
  region: string;
  /** PutEvents attempts for entries rejected with a retryable ErrorCode (the SDK only retries whole requests). */
  maxAttempts?: number;
  retryDelayMs?: number;
}

/** Per-entry ErrorCodes of PutEvents that a later attempt can get through. */
const RETRYABLE_ENTRY_ERRORS = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

/**
 * The EventBridge bus. PutEvents succeeds as a request even when some entries fail (FailedEntryCount), so
 * failed entries are resent with backoff while their ErrorCode is retryable; the rest fail the publish with
 * EventPublishError. Delivery to consumers is the rules' job, so subscribe/drain do nothing here.
 */
export function createEventBridgeBus(opts: EventBridgeBusOptions): EventBus {
  const client = new EventBridgeClient({ region: opts.region, ...AWS_RETRY_CONFIG });
  const maxAttempts = opts.maxAttempts ?? 4;
  const retryDelayMs = opts.retryDelayMs ?? 200;
  const toRequest = ({ event, detailJson }: SizedEntry): PutEventsRequestEntry => ({
    EventBusName: opts.busName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: detailJson,
    ...(event.resources?.length ? { Resources: event.resources } : {}),
  });

  async function sendBatch(batch: { index: number; entry: SizedEntry }[], ids: string[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      let out: PutEventsCommandOutput;
      try {
        out = await client.send(new PutEventsCommand({ Entries: pending.map((p) => toRequest(p.entry)) }));
      } catch (err) {
        throw mapAwsError(err, `EventBridge PutEvents to '${opts.busName}'`);
      }
      const failed: { index: number; entry: SizedEntry; errorCode?: string; errorMessage?: string }[] = [];
      pending.forEach((p, i) => {
        const result = out.Entries?.[i];
        if (result?.EventId) ids[p.index] = result.EventId;
        else failed.push({ ...p, errorCode: result?.ErrorCode ?? 'MissingResult', errorMessage: result?.ErrorMessage });
      });
      if (failed.length === 0) return;
      const retryable = failed.every((f) => RETRYABLE_ENTRY_ERRORS.has(f.errorCode ?? ''));
      if (!retryable || attempt >= maxAttempts) {
        throw new EventPublishError(
          failed.map(({ index, errorCode, errorMessage }) => ({ index, errorCode, errorMessage })),
          retryable,
        );
      }
      pending = failed;
      await sleep(retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
  }

  return {
    async publish(events) {
      const sized = events.map(sizeEntry);
      const ids = new Array<string>(events.length);
      let offset = 0;
      for (const batch of batchEntries(sized)) {
        await sendBatch(
          batch.map((entry, i) => ({ index: offset + i, entry })),
          ids,
        );
        offset += batch.length;
      }
      return ids;
    },
    subscribe() {
      return () => {};
    },
    async drain() {},
  };
}
