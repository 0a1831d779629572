import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, getAll, getJson } from '../api.js';
import { featureCatalogue } from '../lib/features.js';
import { formatNumber } from '../lib/format.js';
import { platePosition } from '../lib/plate.js';
import { assessZPrime, rankByZPrime } from '../lib/qc.js';
import { href } from '../router.js';
import type { DoseResponseFit, Experiment, Job, PlateQc, WellResult } from '../types.js';
import { DoseResponseChart } from './DoseResponseChart.js';
import { HeatmapPanel } from './HeatmapPanel.js';
import { Pager, usePage } from './Pager.js';
import { WellTable } from './WellTable.js';

/** A section's data, or why it is missing: one failing level must not hide the others. */
type Part<T> = { value: T | null; error: string | null };

interface Loaded {
  experiment: Experiment;
  wells: WellResult[];
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
  const [experiment, wells, qc, fits] = await Promise.all([
    getJson<Experiment>(`/v1/experiments/${encodeURIComponent(job.experimentId)}`),
    getAll<WellResult>(`${base}/results?level=well`),
    part(() => getAll<PlateQc>(`${base}/results?level=plate`)),
    part(async () => (await getJson<{ items: DoseResponseFit[] }>(`${base}/dose-response`)).items),
  ]);
  // Wells in plate order (AA01 after Z48, not between A48 and B01), for the table and the failed wells.
  wells.sort((a, b) =>
    a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : platePosition(a.well) - platePosition(b.well),
  );
  return { experiment, wells, qc, fits };
}

function wellsPerPlate(wells: WellResult[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const w of wells) sizes.set(w.plate, (sizes.get(w.plate) ?? 0) + 1);
  return sizes;
}

/** After the job: plate heatmap by a chosen feature, the wells, Z′ per feature, dose-response fits, failed wells. */
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

  const plateSizes = useMemo(() => wellsPerPlate(data?.wells ?? []), [data]);
  const plates = [...plateSizes.keys()];
  const features = useMemo(() => featureCatalogue(data?.wells ?? []), [data]);
  // The fullest plate first: a job may hold a stray reference plate of one well beside the real one.
  const fullest = plates.reduce((a, b) => (plateSizes.get(b)! > plateSizes.get(a)! ? b : a), plates[0] ?? '');
  const current = plate && plates.includes(plate) ? plate : fullest;
  // One array per plate: the heatmap, the colour scale and the table's page are kept while the feature changes.
  const wells = useMemo(() => data?.wells.filter((w) => w.plate === current) ?? [], [data, current]);
  const failed = useMemo(() => data?.wells.filter((w) => w.fieldsFailed > 0) ?? [], [data]);
  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!data) return <p aria-live="polite">Loading results…</p>;
  if (!data.wells.length) return <p>No well results.</p>;

  const feature = features.find((f) => f.id === featureId) ?? features[0]!;
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
                  {p} ({plateSizes.get(p)} wells)
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
        <HeatmapPanel
          jobId={job.jobId}
          plate={current}
          format={data.experiment.plateFormat}
          wells={wells}
          feature={feature}
        />
        <p class="hint">Select a well (click, or Tab then Enter) to see its fields and masks.</p>
      </section>

      <section class="panel" aria-labelledby="wells-title">
        <h2 id="wells-title">Wells</h2>
        <WellTable jobId={job.jobId} plate={current} wells={wells} feature={feature} />
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

      {failed.length > 0 && (
        <section class="panel" aria-labelledby="failures-title">
          <h2 id="failures-title">
            Wells with failed fields ({failed.length} wells, {failed.reduce((n, w) => n + w.fieldsFailed, 0)} fields)
          </h2>
          <p>Each well's page shows why its fields failed.</p>
          <FailedWells jobId={job.jobId} wells={failed} />
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

/** Wells with failed fields, a page at a time (a large job may have thousands), each linking to its page. */
function FailedWells(props: { jobId: string; wells: WellResult[] }) {
  const { rows, ...paging } = usePage(props.wells, 50);
  return (
    <>
      <Pager label="Wells" {...paging} shown={rows.length} total={props.wells.length} />
      <ul class="failures">
        {rows.map((w) => (
          <li key={`${w.plate}/${w.well}`}>
            <a href={href({ page: 'well', jobId: props.jobId, plate: w.plate, well: w.well })}>
              {w.plate} {w.well}
            </a>
            : {w.fieldsFailed} of {w.fields} fields failed
          </li>
        ))}
      </ul>
    </>
  );
}
