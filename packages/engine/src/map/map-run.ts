import type { MapRunCounts, MapRunDescription } from '@platescale/shared';

function zero(): MapRunCounts {
  return {
    pending: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    aborted: 0,
    total: 0,
    resultsWritten: 0,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  };
}

type Bucket = 'pending' | 'running' | 'succeeded' | 'failed' | 'timedOut' | 'aborted';

/** A Map Run's live counters and status, shaped as DescribeMapRun returns them. */
export class MapRun {
  status: MapRunDescription['status'] = 'RUNNING';
  stopDate: Date | undefined;
  readonly itemCounts = zero();
  readonly executionCounts = zero();

  constructor(
    readonly mapRunArn: string,
    readonly executionArn: string,
    readonly startDate: Date,
    readonly maxConcurrency: number,
    readonly toleratedFailurePercentage: number,
    readonly toleratedFailureCount: number,
    readonly executionType: 'STANDARD' | 'EXPRESS',
  ) {}

  /** Registers the run's children (each with its item count) as pending. */
  plan(itemsPerChild: number[]): void {
    for (const n of itemsPerChild) {
      this.itemCounts.total += n;
      this.itemCounts.pending += n;
      this.executionCounts.total += 1;
      this.executionCounts.pending += 1;
    }
  }

  move(items: number, from: Bucket, to: Bucket): void {
    this.itemCounts[from] -= items;
    this.itemCounts[to] += items;
    this.executionCounts[from] -= 1;
    this.executionCounts[to] += 1;
  }

  finish(status: MapRunDescription['status'], at: Date): void {
    this.status = status;
    this.stopDate = at;
  }

  describe(): MapRunDescription {
    const d: MapRunDescription = {
      mapRunArn: this.mapRunArn,
      executionArn: this.executionArn,
      status: this.status,
      startDate: this.startDate,
      maxConcurrency: this.maxConcurrency,
      toleratedFailurePercentage: this.toleratedFailurePercentage,
      toleratedFailureCount: this.toleratedFailureCount,
      itemCounts: { ...this.itemCounts },
      executionCounts: { ...this.executionCounts },
    };
    if (this.stopDate) d.stopDate = this.stopDate;
    return d;
  }
}
