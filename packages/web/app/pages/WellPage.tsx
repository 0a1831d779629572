import { useEffect, useState } from 'preact/hooks';
import { getAll, getJson, getObjectUrl } from '../api.js';
import { AuthImage } from '../components/AuthImage.js';
import { formatNumber } from '../lib/format.js';
import { href } from '../router.js';
import type { Experiment, ImageResult, Job } from '../types.js';

interface Loaded {
  job: Job;
  experiment: Experiment;
  fields: ImageResult[];
}

async function load(jobId: string, plate: string, well: string): Promise<Loaded> {
  const base = `/v1/jobs/${encodeURIComponent(jobId)}`;
  const job = await getJson<Job>(base);
  const [experiment, fields] = await Promise.all([
    getJson<Experiment>(`/v1/experiments/${encodeURIComponent(job.experimentId)}`),
    // This well's fields only: a job's image level may hold 500,000 rows.
    getAll<ImageResult>(
      `${base}/results?level=image&plate=${encodeURIComponent(plate)}&well=${encodeURIComponent(well)}`,
    ),
  ]);
  return { job, experiment, fields };
}

/** Saves an authenticated download (a plain link could not carry the API key). */
async function download(path: string, filename: string) {
  const url = await getObjectUrl(path);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One well: its fields as contrast-stretched images, the label mask overlay on demand, counts, per-object CSV. */
export function WellPage({ jobId, plate, well }: { jobId: string; plate: string; well: string }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [showMask, setShowMask] = useState(false);

  useEffect(() => {
    load(jobId, plate, well).then(setData, (err: Error) => setError(err.message));
  }, [jobId, plate, well]);

  const chosen = channel ?? data?.job.segmentationChannel ?? '';
  const e = encodeURIComponent;
  const fieldPath = (f: ImageResult) => `/v1/jobs/${e(jobId)}/fields/${e(f.plate)}/${e(f.well)}/${f.field}`;

  return (
    <section aria-labelledby="well-title">
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={href({ page: 'jobs' })}>Jobs</a> › <a href={href({ page: 'job', jobId })}>{jobId}</a> › {plate} {well}
      </nav>
      <h1 id="well-title">
        Well {well} <span class="muted">plate {plate}</span>
      </h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!data && !error && <p aria-live="polite">Loading fields…</p>}
      {data && (
        <>
          <div class="toolbar">
            <label>
              Channel
              <select value={chosen} onChange={(ev) => setChannel((ev.target as HTMLSelectElement).value)}>
                {data.experiment.channels.map((c) => (
                  <option value={c}>{c}</option>
                ))}
              </select>
            </label>
            <label class="toggle">
              <input
                type="checkbox"
                id="mask-toggle"
                checked={showMask}
                onChange={(ev) => setShowMask((ev.target as HTMLInputElement).checked)}
              />
              Show mask overlay
            </label>
            <span class="muted">
              {data.fields.length} field{data.fields.length === 1 ? '' : 's'} ·{' '}
              {data.fields.reduce((n, f) => n + (f.cellCount ?? 0), 0)} cells
            </span>
          </div>
          <ul class="fields">
            {data.fields.map((f) => (
              <li class="field" data-field={f.field}>
                <figure>
                  <div class="stack">
                    <AuthImage
                      class="channel"
                      path={`${fieldPath(f)}/channels/${e(chosen)}`}
                      alt={`${plate} ${well} field ${f.field}, channel ${chosen}`}
                    />
                    {showMask && f.ok && (
                      <AuthImage class="mask" path={`${fieldPath(f)}/mask`} alt={`Label mask of field ${f.field}`} />
                    )}
                  </div>
                  <figcaption>
                    <strong>Field {f.field}</strong>{' '}
                    {f.ok ? (
                      <>
                        · <span data-testid="field-count">{f.cellCount}</span> cells · mean area{' '}
                        {formatNumber(f.meanArea)} px²
                        {f.objectDiameter !== null && (
                          <span title={`nucleus diameter ${f.diameterSource ?? ''}`}>
                            {' · '}⌀ {formatNumber(f.objectDiameter)} px{f.diameterSource === 'given' ? ' (given)' : ''}
                          </span>
                        )}
                        {' · '}
                        <button
                          type="button"
                          class="link"
                          onClick={() =>
                            download(`${fieldPath(f)}/objects.csv`, `${jobId}_${plate}_${well}_f${f.field}.csv`).catch(
                              (err: Error) => setError(err.message),
                            )
                          }
                        >
                          per-object CSV
                        </button>
                      </>
                    ) : (
                      <span class="error">failed: {f.error}</span>
                    )}
                  </figcaption>
                </figure>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
