/** The figures a job row shows, from its timestamps and counters (`now` for a job still running). */
export interface JobTiming {
  startedAt: string | null;
  finishedAt: string | null;
  progress: { total: number; succeeded: number; failed: number };
}

export function jobStats(job: JobTiming, now: number) {
  const { total, succeeded, failed } = job.progress;
  const done = succeeded + failed;
  const start = job.startedAt ? Date.parse(job.startedAt) : null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  const seconds = start === null ? null : Math.max(0, (end - start) / 1000);
  return {
    done,
    percent: total > 0 ? Math.round((1000 * done) / total) / 10 : 0,
    seconds,
    imagesPerSecond: seconds && done > 0 ? done / seconds : null,
  };
}
