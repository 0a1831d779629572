import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { jobStats } from '../lib/job-stats.js';
import { href, type Route } from '../router.js';
import { type Job, type Page, TERMINAL } from '../types.js';

const STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED'];
const REFRESH_MS = 3000;

export function JobsPage({ route }: { route: Extract<Route, { page: 'jobs' }> }) {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [experiment, setExperiment] = useState(route.experimentId ?? '');
  const { status, experimentId } = route;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const q = new URLSearchParams({ limit: '100' });
    if (status) q.set('status', status);
    if (experimentId) q.set('experimentId', experimentId);
    const load = async () => {
      try {
        const page = await getJson<Page<Job>>(`/v1/jobs?${q}`);
        if (stopped) return;
        setJobs(page.items);
        setError(null);
        // Poll only while something moves; finished jobs do not change.
        if (page.items.some((j) => !TERMINAL.includes(j.status))) timer = setTimeout(load, REFRESH_MS);
      } catch (err) {
        if (!stopped) setError((err as Error).message);
      }
    };
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [status, experimentId]);

  const go = (next: { status?: string | undefined; experimentId?: string | undefined }) => {
    const merged = { status, experimentId, ...next };
    location.hash = href({
      page: 'jobs',
      ...(merged.status ? { status: merged.status } : {}),
      ...(merged.experimentId ? { experimentId: merged.experimentId } : {}),
    });
  };

  const now = Date.now();
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <form
        class="filters"
        aria-label="Filter jobs"
        onSubmit={(e) => {
          e.preventDefault();
          go({ experimentId: experiment.trim() || undefined });
        }}
      >
        <label>
          Status
          <select
            value={status ?? ''}
            onChange={(e) => go({ status: (e.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option value={s}>{s.replace('_', ' ').toLowerCase()}</option>
            ))}
          </select>
        </label>
        <label>
          Experiment
          <input
            value={experiment}
            placeholder="experiment id"
            onInput={(e) => setExperiment((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {jobs === null && !error && <p aria-live="polite">Loading…</p>}
      {jobs?.length === 0 && <p>No jobs match.</p>}
      {jobs && jobs.length > 0 && (
        <table class="jobs">
          <caption class="sr-only">Jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Experiment</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Images/s</th>
              <th scope="col">Failures</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => {
              const s = jobStats(job, now);
              return (
                <tr key={job.jobId}>
                  <td>
                    <a href={href({ page: 'job', jobId: job.jobId })}>{job.jobId}</a>
                  </td>
                  <td>
                    <a href={href({ page: 'jobs', experimentId: job.experimentId })}>{job.experimentId}</a>
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <progress max={100} value={s.percent} aria-label={`${job.jobId} progress`} /> {s.percent} %
                    <span class="muted">
                      {' '}
                      ({s.done}/{job.progress.total})
                    </span>
                  </td>
                  <td>{formatTime(job.startedAt)}</td>
                  <td>{formatDuration(s.seconds)}</td>
                  <td>{formatNumber(s.imagesPerSecond)}</td>
                  <td class={job.progress.failed > 0 ? 'warn' : ''}>{job.progress.failed}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
