import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getAll, getJson } from '../api.js';
import { featureCatalogue } from '../lib/features.js';
import { formatNumber } from '../lib/format.js';
import { assessZPrime, rankByZPrime } from '../lib/qc.js';
import { href } from '../router.js';
import type {
  ConditionResult,
  DoseResponseFit,
  Experiment,
  Job,
  Page,
  PlateQc,
  PlateSummary,
  WellResult,
} from '../types.js';
import { DoseResponseChart } from './DoseResponseChart.js';
import { HeatmapPanel } from './HeatmapPanel.js';
import { Pager } from './Pager.js';
import { usePlateWells } from './plate-wells.js';
import { WellTable } from './WellTable.js';

/** A section's data, or why it is missing: one failing level must not hide the others. */
type Part<T> = { value: T | null; error: string | null };

interface Loaded {
  experiment: Experiment;
  plates: PlateSummary[];
  qc: Part<PlateQc[]>;
  fits: Part<DoseResponseFit[]>;
  conditions: Part<ConditionResult[]>;
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

/** What the page shows whatever plate is chosen; each plate's wells are loaded when it is shown (usePlateWells). */
async function loadResults(job: Job): Promise<Loaded> {
  const base = `/v1/jobs/${encodeURIComponent(job.jobId)}`;
  const [experiment, plates, qc, fits, conditions] = await Promise.all([
    getJson<Experiment>(`/v1/experiments/${encodeURIComponent(job.experimentId)}`),
    getJson<{ items: PlateSummary[] }>(`${base}/plates`).then((p) => p.items),
    part(() => getAll<PlateQc>(`${base}/results?level=plate`)),
    part(async () => (await getJson<{ items: DoseResponseFit[] }>(`${base}/dose-response`)).items),
    part(() => getAll<ConditionResult>(`${base}/results?level=condition`)),
  ]);
  return { experiment, plates, qc, fits, conditions };
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

  const plates = data?.plates ?? [];
  // The fullest plate first: a job may hold a stray reference plate of one well beside the real one.
  const fullest = plates.reduce<PlateSummary | null>((a, b) => (!a || b.wells > a.wells ? b : a), null);
  const current = plate && plates.some((p) => p.plate === plate) ? plate : (fullest?.plate ?? null);
  const plateWells = usePlateWells(job.jobId, current, job.status);
  // One array per plate: the heatmap, the colour scale and the table's page are kept while the feature changes.
  const wells = plateWells?.wells;
  const features = useMemo(() => featureCatalogue(wells ?? []), [wells]);
  if (error)
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  if (!data) return <p aria-live="polite">Loading results…</p>;
  if (!current) return <p>No well results.</p>;

  const feature = features.find((f) => f.id === featureId) ?? features[0]!;
  const qc = data.qc.value?.filter((q) => q.plate === current) ?? null;
  const fits = data.fits.value;
  const fitFeatures = [...new Set(fits?.map((f) => f.feature) ?? [])];
  // Every feature is fitted; one is shown at a time, nuclei count first (what a dose series usually reads out).
  const fitFeature = fitFeatureChoice ?? (fitFeatures.includes('Count_Nuclei') ? 'Count_Nuclei' : fitFeatures[0]);
  const shownFits = fits?.filter((f) => f.feature === fitFeature) ?? [];
  const failedWells = plates.reduce((n, p) => n + p.wellsWithFailedFields, 0);
  const failedFields = plates.reduce((n, p) => n + p.fieldsFailed, 0);

  return (
    <>
      <section class="panel" aria-labelledby="heatmap-title">
        <div class="panel-head">
          <h2 id="heatmap-title">Plate heatmap</h2>
          <label>
            Plate
            <select value={current} onChange={(e) => setPlate((e.target as HTMLSelectElement).value)}>
              {plates.map((p) => (
                <option value={p.plate}>
                  {p.plate} ({p.wells} wells)
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
        {plateWells?.error ? (
          <p role="alert" class="error">
            The wells of plate {current} could not be loaded: {plateWells.error}
          </p>
        ) : !wells ? (
          <p aria-live="polite">Loading plate {current}…</p>
        ) : (
          <HeatmapPanel
            jobId={job.jobId}
            plate={current}
            format={data.experiment.plateFormat}
            wells={wells}
            feature={feature}
          />
        )}
        <p class="hint">Select a well (click, or Tab then Enter) to see its fields and masks.</p>
      </section>

      <section class="panel" aria-labelledby="wells-title">
        <h2 id="wells-title">Wells</h2>
        {wells && <WellTable jobId={job.jobId} plate={current} wells={wells} feature={feature} />}
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
            {fitFeature && (
              <DoseResponseChart fits={fits} conditions={data.conditions.value ?? []} feature={fitFeature} />
            )}
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

      {failedWells > 0 && (
        <section class="panel" aria-labelledby="failures-title">
          <h2 id="failures-title">
            Wells with failed fields ({failedWells} wells, {failedFields} fields)
          </h2>
          <p>Each well's page shows why its fields failed.</p>
          <FailedWells key={`${job.jobId}/${job.status}`} jobId={job.jobId} total={failedWells} />
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

/** Rows of failed wells per page. */
const FAILED_PAGE = 50;

/**
 * Wells with failed fields, a page at a time from the API (`failed=true`: a large job may have thousands), each
 * linking to its page. A page's cursor is kept, so Previous goes back without reading from the start.
 */
function FailedWells(props: { jobId: string; total: number }) {
  const [page, setPage] = useState(0);
  const cursors = useRef<(string | null)[]>([null]);
  const [shown, setShown] = useState<{ page: number; items: WellResult[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const cursor = cursors.current[page];
    const path = `/v1/jobs/${encodeURIComponent(props.jobId)}/results?level=well&failed=true&limit=${FAILED_PAGE}`;
    getJson<Page<WellResult>>(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path).then(
      (p) => {
        cursors.current[page + 1] = p.nextCursor;
        if (live) setShown({ page, items: p.items });
      },
      (err: Error) => {
        if (live) setError(err.message);
      },
    );
    return () => {
      live = false;
    };
  }, [props.jobId, page]);
  if (error)
    return (
      <p role="alert" class="error">
        The failed wells could not be loaded: {error}
      </p>
    );
  if (!shown) return <p aria-live="polite">Loading…</p>;
  return (
    <>
      <Pager
        label="Failed wells"
        page={shown.page}
        pages={Math.ceil(props.total / FAILED_PAGE)}
        first={shown.page * FAILED_PAGE}
        shown={shown.items.length}
        total={props.total}
        setPage={setPage}
      />
      <ul class="failures">
        {shown.items.map((w) => (
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
