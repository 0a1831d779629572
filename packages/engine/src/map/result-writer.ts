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
export const RESULT_FILE_MAX_BYTES = 8 * 1024 * 1024;

type Status = 'FAILED' | 'PENDING' | 'SUCCEEDED';

/** The entries of one status not yet in a file. */
interface OpenPart {
  entries: string[];
  bytes: number;
}

/**
 * Writes `<Prefix>/<mapRunId>/{SUCCEEDED,FAILED,PENDING}_<n>.json` (each at most `maxFileBytes`, a single larger
 * entry alone in its file) and, on `finish`, `manifest.json` in Step Functions' format. Children are added as
 * they finish, in any order; they are written in index order, and a file goes out as soon as it is full, so the
 * writer holds one open file per status plus the children that finished ahead of a slower one — never the Map's
 * outputs. Only non-empty result files are written and listed; the manifest (written last) is what readers open.
 */
export class ResultWriter {
  private readonly store: ObjectStore;
  private readonly base: string;
  private readonly ResultFiles: Record<Status, ResultFile[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  private readonly parts: Record<Status, OpenPart> = {
    FAILED: { entries: [], bytes: 2 },
    PENDING: { entries: [], bytes: 2 },
    SUCCEEDED: { entries: [], bytes: 2 },
  };
  /** Children that finished ahead of index `next`. */
  private readonly waiting = new Map<number, ChildRecord>();
  private next = 0;
  /** The puts in flight, in order; the first failure is kept for `finish`. */
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    objects: ObjectStore,
    private readonly target: ResultWriterTarget,
    private readonly mapRunArn: string,
    private readonly childStateMachineArn: string,
    private readonly maxFileBytes = RESULT_FILE_MAX_BYTES,
  ) {
    const mapRunId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    this.base = `${target.prefix.replace(/\/+$/, '')}${target.prefix ? '/' : ''}${mapRunId}`;
    this.store = objects.withBucket(target.bucket);
  }

  /** Takes a finished child; resolves once the files it completed are written (back-pressure for the Map). */
  add(record: ChildRecord): Promise<void> {
    this.waiting.set(record.index, record);
    for (let r = this.waiting.get(this.next); r; r = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next += 1;
      this.appendFinished(r);
    }
    return this.writes;
  }

  /**
   * Writes the children still waiting (those after a gap: children that never ran), the pending ones, the last
   * files and the manifest; returns the manifest key.
   */
  async finish(pending: ChildRecord[]): Promise<string> {
    for (const index of [...this.waiting.keys()].sort((a, b) => a - b)) {
      this.appendFinished(this.waiting.get(index)!);
    }
    this.waiting.clear();
    for (const r of [...pending].sort((a, b) => a.index - b.index)) this.append('PENDING', r);
    for (const status of ['FAILED', 'PENDING', 'SUCCEEDED'] as const) this.flush(status);
    await this.writes;
    try {
      if (this.failure) throw this.failure;
      const manifestKey = `${this.base}/manifest.json`;
      const manifest = {
        DestinationBucket: this.target.bucket,
        MapRunArn: this.mapRunArn,
        ResultFiles: this.ResultFiles,
      };
      await this.store.put(manifestKey, JSON.stringify(manifest), { contentType: 'application/json' });
      return manifestKey;
    } catch (err) {
      throw new StatesError(States.ResultWriterFailed, (err as Error).message);
    }
  }

  /** A finished child goes to SUCCEEDED, or FAILED whatever else it ended as (Step Functions' grouping). */
  private appendFinished(r: ChildRecord): void {
    this.append(r.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED', r);
  }

  private append(status: Status, r: ChildRecord): void {
    const entry = JSON.stringify(resultEntry(r, this.childStateMachineArn));
    const size = Buffer.byteLength(entry);
    if (this.parts[status].bytes + size > this.maxFileBytes) this.flush(status);
    const part = this.parts[status];
    part.entries.push(entry);
    part.bytes += size + 1;
  }

  /** Closes the status' open file: its name and place in the manifest now, its put after the ones before it. */
  private flush(status: Status): void {
    const part = this.parts[status];
    if (part.entries.length === 0) return;
    const key = `${this.base}/${status}_${this.ResultFiles[status].length}.json`;
    const body = Buffer.from(`[${part.entries.join(',')}]`);
    this.parts[status] = { entries: [], bytes: 2 };
    this.ResultFiles[status].push({ Key: key, Size: body.byteLength });
    this.writes = this.writes.then(async () => {
      if (this.failure) return;
      try {
        await this.store.put(key, body, { contentType: 'application/json' });
      } catch (err) {
        this.failure = err as Error;
      }
    });
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
