import type { ObjectStore } from '@platescale/shared';
import { States, StatesError } from '../errors.js';
import type { ChildRecord } from '../store/types.js';

export interface ResultWriterTarget {
  bucket: string;
  prefix: string;
}

interface ResultFile {
  Key: string;
  Size: number;
}

/**
 * Writes `<Prefix>/<mapRunId>/{SUCCEEDED,FAILED,PENDING}_0.json` and `manifest.json` in Step Functions'
 * format; returns the manifest key. Only non-empty result files are written and listed.
 */
export async function writeResults(
  objects: ObjectStore,
  target: ResultWriterTarget,
  mapRunArn: string,
  childStateMachineArn: string,
  children: ChildRecord[],
  pending: ChildRecord[],
): Promise<string> {
  const mapRunId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const base = `${target.prefix.replace(/\/+$/, '')}${target.prefix ? '/' : ''}${mapRunId}`;
  const groups = {
    FAILED: children.filter((c) => c.status !== 'SUCCEEDED'),
    PENDING: pending,
    SUCCEEDED: children.filter((c) => c.status === 'SUCCEEDED'),
  };
  const ResultFiles: Record<keyof typeof groups, ResultFile[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  try {
    const store = objects.withBucket(target.bucket);
    for (const status of ['FAILED', 'PENDING', 'SUCCEEDED'] as const) {
      const records = groups[status].sort((a, b) => a.index - b.index);
      if (records.length === 0) continue;
      const key = `${base}/${status}_0.json`;
      const body = JSON.stringify(records.map((r) => resultEntry(r, childStateMachineArn)));
      await store.put(key, body, { contentType: 'application/json' });
      ResultFiles[status].push({ Key: key, Size: Buffer.byteLength(body) });
    }
    const manifestKey = `${base}/manifest.json`;
    await store.put(
      manifestKey,
      JSON.stringify({ DestinationBucket: target.bucket, MapRunArn: mapRunArn, ResultFiles }),
      { contentType: 'application/json' },
    );
    return manifestKey;
  } catch (err) {
    throw new StatesError(States.ResultWriterFailed, (err as Error).message);
  }
}

function resultEntry(r: ChildRecord, stateMachineArn: string): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    ExecutionArn: r.executionArn,
    Input: r.input,
    InputDetails: { Included: true },
    Name: r.name,
  };
  if (r.status === 'SUCCEEDED') {
    entry.Output = r.output;
    entry.OutputDetails = { Included: true };
  } else if (r.error !== undefined) {
    entry.Error = r.error;
    if (r.cause !== undefined) entry.Cause = r.cause;
  }
  Object.assign(entry, {
    RedriveCount: 0,
    RedriveStatus: r.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    ...(r.status === 'SUCCEEDED' ? { RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' } : {}),
    StartDate: r.startDate,
    StateMachineArn: stateMachineArn,
    Status: r.status,
    StopDate: r.stopDate,
  });
  return entry;
}
