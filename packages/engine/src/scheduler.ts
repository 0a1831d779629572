/**
 * One pool of `poolSize` slots shared by every Map Run of every execution. Each Map Run gets a lane with its
 * own limit (MaxConcurrency); a free slot goes to the next lane in round-robin order that has queued work
 * and is under its limit, so a large job never starves a small one.
 */
export class FairScheduler {
  readonly poolSize: number;
  private running = 0;
  private readonly lanes: Lane[] = [];
  private cursor = 0;

  constructor(poolSize: number) {
    if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError('poolSize must be a positive integer');
    this.poolSize = poolSize;
  }

  /** A lane for one Map Run; `limit` 0 means "up to the pool". Close it when the run ends. */
  lane(limit: number): Lane {
    const lane = new Lane(this, limit > 0 ? limit : this.poolSize);
    this.lanes.push(lane);
    return lane;
  }

  get active(): number {
    return this.running;
  }

  /** @internal */
  remove(lane: Lane): void {
    const i = this.lanes.indexOf(lane);
    if (i >= 0) {
      this.lanes.splice(i, 1);
      if (this.cursor > i) this.cursor--;
    }
  }

  /** @internal */
  dispatch(): void {
    while (this.running < this.poolSize && this.lanes.length > 0) {
      let picked: Lane | undefined;
      for (let n = 0; n < this.lanes.length; n++) {
        const idx = (this.cursor + n) % this.lanes.length;
        const lane = this.lanes[idx]!;
        if (lane.queue.length > 0 && lane.running < lane.limit) {
          picked = lane;
          this.cursor = (idx + 1) % this.lanes.length;
          break;
        }
      }
      if (!picked) return;
      const job = picked.queue.shift()!;
      this.running++;
      picked.running++;
      const lane = picked;
      job.start().finally(() => {
        this.running--;
        lane.running--;
        this.dispatch();
      });
    }
  }
}

interface Queued {
  start(): Promise<void>;
  cancel(reason: Error): void;
}

export class Lane {
  readonly queue: Queued[] = [];
  running = 0;
  constructor(
    private readonly scheduler: FairScheduler,
    readonly limit: number,
  ) {}

  /** Runs `task` when this lane gets a slot; resolves/rejects with it. */
  submit<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ start: () => task().then(resolve, reject), cancel: reject });
      this.scheduler.dispatch();
    });
  }

  /** Rejects every queued (not started) task with `reason`; running tasks are left to finish. */
  cancelQueued(reason: Error): void {
    for (const q of this.queue.splice(0)) q.cancel(reason);
  }

  close(): void {
    this.cancelQueued(new Error('lane closed'));
    this.scheduler.remove(this);
  }
}
