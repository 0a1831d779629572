import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson, streamEvents } from '../api.js';
import { JobResults } from '../components/JobResults.js';
import { ProgressPanel } from '../components/ProgressPanel.js';
import { formatTime } from '../lib/format.js';
import { href } from '../router.js';
import { type Job, type ProgressSnapshot, TERMINAL } from '../types.js';

export function JobPage({ jobId }: { jobId: string }) {
  const [job, setJob] = useState<Job | null>(null);
  const [snapshot, setSnapshot] = useState<ProgressSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/v1/jobs/${encodeURIComponent(jobId)}`;
  const terminal = job ? TERMINAL.includes(job.status) : false;

  useEffect(() => {
    setJob(null);
    setSnapshot(null);
    getJson<Job>(path).then(setJob, (err: Error) => setError(err.message));
  }, [path]);

  // Follow the live stream until the job ends; a redrive makes it non-terminal and starts a new stream.
  useEffect(() => {
    if (!job || terminal) return;
    const abort = new AbortController();
    streamEvents(
      `${path}/events`,
      (e) => {
        if (e.event === 'progress') setSnapshot(JSON.parse(e.data) as ProgressSnapshot);
        else if (e.event === 'finished') {
          setSnapshot(null);
          setJob(JSON.parse(e.data) as Job);
        }
      },
      abort.signal,
    ).catch((err: Error) => {
      if (!abort.signal.aborted) setError(err.message);
    });
    return () => abort.abort();
  }, [path, job?.jobId, terminal]);

  const act = async (action: 'cancel' | 'redrive') => {
    setBusy(true);
    try {
      setSnapshot(null);
      setJob(await postJson<Job>(`${path}/${action}`));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="job-title">
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={href({ page: 'jobs' })}>Jobs</a> › {jobId}
      </nav>
      <h1 id="job-title">Job {jobId}</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {job && (
        <>
          <p class="meta">
            Experiment <a href={href({ page: 'jobs', experimentId: job.experimentId })}>{job.experimentId}</a> ·
            segmentation channel {job.segmentationChannel} · started {formatTime(job.startedAt)}
            {job.finishedAt ? ` · finished ${formatTime(job.finishedAt)}` : ''}
          </p>
          <ProgressPanel
            job={job}
            snapshot={snapshot}
            busy={busy}
            onCancel={() => act('cancel')}
            onRedrive={() => act('redrive')}
          />
          {terminal && job.status !== 'CANCELLED' && <JobResults job={job} />}
        </>
      )}
    </section>
  );
}
