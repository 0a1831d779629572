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
 * Largest result file the local engine writes. Step Functions splits result files too (at 5 GB); locally they
 * stay small so a reader holds one file of a 500,000-image job at a time, and no file nears V8's string limit.
 */
export const RESULT_FILE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Writes `<Prefix>/<mapRunId>/{SUCCEEDED,FAILED,PENDING}_<n>.json` (each at most `maxFileBytes`, a single larger
 * entry alone in its file) and `manifest.json` in Step Functions' format; returns the manifest key. Only
 * non-empty result files are written and listed.
 */
export async function writeResults(
  objects: ObjectStore,
  target: ResultWriterTarget,
  mapRunArn: string,
  childStateMachineArn: string,
  children: ChildRecord[],
  pending: ChildRecord[],
  maxFileBytes = RESULT_FILE_MAX_BYTES,
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
      let part: string[] = [];
      let bytes = 2;
      const flush = async () => {
        if (part.length === 0) return;
        const key = `${base}/${status}_${ResultFiles[status].length}.json`;
        const body = Buffer.from(`[${part.join(',')}]`);
        part = [];
        bytes = 2;
        await store.put(key, body, { contentType: 'application/json' });
        ResultFiles[status].push({ Key: key, Size: body.byteLength });
      };
      for (const r of records) {
        const entry = JSON.stringify(resultEntry(r, childStateMachineArn));
        const size = Buffer.byteLength(entry);
        if (bytes + size > maxFileBytes) await flush();
        part.push(entry);
        bytes += size + 1;
      }
      await flush();
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
