import { formatDuration, formatNumber } from '../lib/format.js';
import { jobStats } from '../lib/job-stats.js';
import type { Job, ProgressSnapshot } from '../types.js';
import { StatusBadge } from './StatusBadge.js';

interface Props {
  job: Job;
  snapshot: ProgressSnapshot | null;
  busy: boolean;
  onCancel: () => void;
  onRedrive: () => void;
}

/** Live counters from the SSE stream (the job's own counters once it finished). */
export function ProgressPanel({ job, snapshot, busy, onCancel, onRedrive }: Props) {
  const progress = snapshot?.progress ?? job.progress;
  const done = progress.succeeded + progress.failed;
  const percent = snapshot?.percent ?? (progress.total > 0 ? Math.round((1000 * done) / progress.total) / 10 : 0);
  const status = snapshot?.status ?? job.status;
  const running = status === 'QUEUED' || status === 'RUNNING';
  return (
    <section class="panel" aria-labelledby="progress-title">
      <div class="panel-head">
        <h2 id="progress-title">Progress</h2>
        <StatusBadge status={status} />
        <div class="actions">
          {running && (
            <button type="button" class="danger" disabled={busy} onClick={onCancel}>
              Cancel job
            </button>
          )}
          {status === 'FAILED' && (
            <button type="button" disabled={busy} onClick={onRedrive}>
              Redrive failed items
            </button>
          )}
        </div>
      </div>
      <div class="progress-row">
        <progress id="job-progress" max={100} value={percent} aria-label="Images done" />
        <output for="job-progress" data-testid="percent">
          {percent} %
        </output>
      </div>
      <dl class="counters" aria-live="polite">
        <div>
          <dt>Done</dt>
          <dd>
            {done} / {progress.total}
          </dd>
        </div>
        <div>
          <dt>Succeeded</dt>
          <dd>{progress.succeeded}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd class={progress.failed > 0 ? 'warn' : ''} data-testid="failed">
            {progress.failed}
          </dd>
        </div>
        <div>
          <dt>Running</dt>
          <dd>{progress.running}</dd>
        </div>
        <div>
          <dt>Pending</dt>
          <dd>{progress.pending}</dd>
        </div>
        <div>
          <dt>Images/s</dt>
          <dd>{formatNumber(snapshot ? snapshot.imagesPerSecond : jobStats(job, Date.now()).imagesPerSecond)}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{running ? formatDuration(snapshot?.etaSeconds) : '–'}</dd>
        </div>
      </dl>
      {job.error && (
        <p role="alert" class="error">
          {job.error.error}
          {job.error.cause ? `: ${job.error.cause}` : ''}
        </p>
      )}
    </section>
  );
}
