import type { ProgressView } from '../../schemas/jobs.js';
import type { JobRow } from '../../services/jobs.js';

export interface ProgressSnapshot {
  jobId: string;
  status: JobRow['status'];
  progress: ProgressView;
  percent: number;
  imagesPerSecond: number | null;
  etaSeconds: number | null;
}

/** Rate and ETA from the images done since the job started (a constant-rate estimate, like most progress bars). */
export function progressSnapshot(row: JobRow, progress: ProgressView, now: number): ProgressSnapshot {
  const done = progress.succeeded + progress.failed;
  const percent = progress.total > 0 ? Math.round((1000 * done) / progress.total) / 10 : 0;
  const elapsed = row.startedAt ? (now - row.startedAt.getTime()) / 1000 : 0;
  const rate = elapsed > 0 && done > 0 ? done / elapsed : null;
  const eta = rate && progress.total > 0 ? (progress.total - done) / rate : null;
  return {
    jobId: row.id,
    status: row.status,
    progress,
    percent,
    imagesPerSecond: rate === null ? null : Math.round(rate * 100) / 100,
    etaSeconds: eta === null ? null : Math.round(eta * 10) / 10,
  };
}
