import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, getAll, getJson } from '../api.js';
import { colourScale } from '../lib/colour.js';
import { featureCatalogue } from '../lib/features.js';
import { formatNumber } from '../lib/format.js';
import { assessZPrime, rankByZPrime } from '../lib/qc.js';
import { href } from '../router.js';
import type { DoseResponseFit, Experiment, ImageResult, Job, PlateQc, WellResult } from '../types.js';
import { DoseResponseChart } from './DoseResponseChart.js';
import { Legend } from './Legend.js';
import { PlateHeatmap } from './PlateHeatmap.js';

/** A section's data, or why it is missing: one failing level must not hide the others. */
type Part<T> = { value: T | null; error: string | null };

interface Loaded {
  experiment: Experiment;
  wells: WellResult[];
  failures: ImageResult[];
  qc: Part<PlateQc[]>;
  fits: Part<DoseResponseFit[]>;
}

/** Levels an older API does not serve read as "not available" (null); other failures as the section's error. */
async function part<T>(load: () => Promise<T>): Promise<Part<T>> {
  try {
    return { value: await load(), error: null };
  } catch (err) {
    if (err instanceof ApiError && [400, 404].includes(err.status)) return { value: null, error: null };
    return { value: null, error: (err as Error).message };
  }
}

async function loadResults(job: Job): Promise<Loaded> {
  const base = `/v1/jobs/${encodeURIComponent(job.jobId)}`;
  const [experiment, wells, images, qc, fits] = await Promise.all([
    getJson<Experiment>(`/v1/experiments/${encodeURIComponent(job.experimentId)}`),
    getAll<WellResult>(`${base}/results?level=well`),
    job.progress.failed > 0 ? getAll<ImageResult>(`${base}/results?level=image`) : Promise.resolve([]),
    part(() => getAll<PlateQc>(`${base}/results?level=plate`)),
    part(async () => (await getJson<{ items: DoseResponseFit[] }>(`${base}/dose-response`)).items),
  ]);
  return { experiment, wells, failures: images.filter((i) => !i.ok), qc, fits };
}

const wellCount = (wells: WellResult[], plate: string) => wells.filter((w) => w.plate === plate).length;

/** After the job: plate heatmap by a chosen feature, Z′ per feature, dose-response fits, failed images. */
export function JobResults({ job }: { job: Job }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [featureId, setFeatureId] = useState('cellCount');
  const [plate, setPlate] = useState<string | null>(null);
  const [fitFeatureChoice, setFitFeature] = useState<string | null>(null);
  const [allZPrimes, setAllZPrimes] = useState(false);

  useEffect(() => {
    loadResults(job).then(setData, (err: Error) => setError(err.message));
  }, [job.jobId, job.status]);

  const plates = useMemo(() => [...new Set(data?.wells.map((w) => w.plate) ?? [])], [data]);
  const features = useMemo(() => featureCatalogue(data?.wells ?? []), [data]);
  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!data) return <p aria-live="polite">Loading results…</p>;
  if (!data.wells.length) return <p>No well results.</p>;

  // The fullest plate first: a job may hold a stray reference plate of one well beside the real one.
  const fullest = plates.reduce((a, b) => (wellCount(data.wells, b) > wellCount(data.wells, a) ? b : a));
  const current = plate && plates.includes(plate) ? plate : fullest;
  const feature = features.find((f) => f.id === featureId) ?? features[0]!;
  const wells = data.wells.filter((w) => w.plate === current);
  const scale = colourScale(
    wells.map((w) => feature.value(w)).filter((v): v is number => v !== undefined),
    feature.kind,
  );
  const qc = data.qc.value?.filter((q) => q.plate === current) ?? null;
  const fits = data.fits.value;
  const fitFeatures = [...new Set(fits?.map((f) => f.feature) ?? [])];
  // Every feature is fitted; one is shown at a time, nuclei count first (what a dose series usually reads out).
  const fitFeature = fitFeatureChoice ?? (fitFeatures.includes('Count_Nuclei') ? 'Count_Nuclei' : fitFeatures[0]);
  const shownFits = fits?.filter((f) => f.feature === fitFeature) ?? [];

  return (
    <>
      <section class="panel" aria-labelledby="heatmap-title">
        <div class="panel-head">
          <h2 id="heatmap-title">Plate heatmap</h2>
          <label>
            Plate
            <select value={current} onChange={(e) => setPlate((e.target as HTMLSelectElement).value)}>
              {plates.map((p) => (
                <option value={p}>
                  {p} ({wellCount(data.wells, p)} wells)
                </option>
              ))}
            </select>
          </label>
          <label>
            Colour by
            <select value={feature.id} onChange={(e) => setFeatureId((e.target as HTMLSelectElement).value)}>
              {features.map((f) => (
                <option value={f.id}>{f.label}</option>
              ))}
            </select>
          </label>
        </div>
        <div class="heatmap-row">
          <PlateHeatmap
            plate={current}
            format={data.experiment.plateFormat}
            wells={wells}
            feature={feature}
            scale={scale}
            onOpen={(well) => {
              location.hash = href({ page: 'well', jobId: job.jobId, plate: current, well });
            }}
          />
          <Legend scale={scale} label={feature.label} />
        </div>
        <p class="hint">Select a well (click, or Tab then Enter) to see its fields and masks.</p>
      </section>

      <section class="panel" aria-labelledby="qc-title">
        <h2 id="qc-title">Plate quality (Z′)</h2>
        {data.qc.error ? (
          <p role="alert" class="error">
            Z′ could not be loaded: {data.qc.error}
          </p>
        ) : qc === null || qc.length === 0 ? (
          <p>No Z′ for this plate: it needs a plate map with at least two negative and two positive control wells.</p>
        ) : (
          <ZPrimeTable rows={qc} showAll={allZPrimes} onShowAll={setAllZPrimes} />
        )}
      </section>

      <section class="panel" aria-labelledby="dr-title">
        <h2 id="dr-title">Dose-response</h2>
        {data.fits.error ? (
          <p role="alert" class="error">
            The fits could not be loaded: {data.fits.error}
          </p>
        ) : !fits?.length ? (
          <p>No dose-response fits for this job (they need a plate map with treatments and doses).</p>
        ) : (
          <>
            <div class="toolbar">
              <label>
                Feature
                <select value={fitFeature} onChange={(e) => setFitFeature((e.target as HTMLSelectElement).value)}>
                  {fitFeatures.map((f) => (
                    <option value={f}>{f}</option>
                  ))}
                </select>
              </label>
            </div>
            {fitFeature && <DoseResponseChart fits={fits} wells={data.wells} feature={fitFeature} />}
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">Treatment</th>
                  <th scope="col">Feature</th>
                  <th scope="col">EC50</th>
                  <th scope="col">95 % CI</th>
                  <th scope="col">Hill</th>
                  <th scope="col">R²</th>
                </tr>
              </thead>
              <tbody>
                {shownFits.map((f) => (
                  <tr>
                    <th scope="row">{f.treatment}</th>
                    <td>{f.feature}</td>
                    <td>{f.ec50 === null ? (f.error ?? 'no fit') : `${formatNumber(f.ec50)} ${f.unit ?? ''}`}</td>
                    <td>
                      {f.ec50CiLow != null && f.ec50CiHigh != null
                        ? `${formatNumber(f.ec50CiLow)} – ${formatNumber(f.ec50CiHigh)}`
                        : '–'}
                    </td>
                    <td>{formatNumber(f.hill)}</td>
                    <td>{formatNumber(f.r2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      {data.failures.length > 0 && (
        <section class="panel" aria-labelledby="failures-title">
          <h2 id="failures-title">Failed images ({data.failures.length})</h2>
          <ul class="failures">
            {data.failures.map((f) => (
              <li>
                <a href={href({ page: 'well', jobId: job.jobId, plate: f.plate, well: f.well })}>
                  {f.plate} {f.well} field {f.field}
                </a>
                : {f.error}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** Features that separate the controls, best first; the others (most shape features) behind a toggle. */
function ZPrimeTable(props: { rows: PlateQc[]; showAll: boolean; onShowAll(show: boolean): void }) {
  const { separating, others } = rankByZPrime(props.rows);
  const shown = props.showAll ? [...separating, ...others] : separating;
  return (
    <>
      {separating.length === 0 && <p>No feature separates the positive from the negative controls (Z′ ≤ 0).</p>}
      {shown.length > 0 && (
        <div class="scroll">
          <table class="compact">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">Z′</th>
                <th scope="col">Assessment</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((q) => (
                <tr>
                  <th scope="row">{q.feature}</th>
                  <td>{formatNumber(q.zPrime)}</td>
                  <td>{assessZPrime(q.zPrime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {others.length > 0 && (
        <p>
          <button type="button" class="link" onClick={() => props.onShowAll(!props.showAll)}>
            {props.showAll ? 'Hide' : 'Show'} the {others.length} features that do not separate the controls
          </button>
        </p>
      )}
    </>
  );
}
