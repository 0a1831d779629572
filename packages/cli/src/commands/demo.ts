import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@platescale/shared';
import { type GroundTruth, plateMapOf, writePlate } from '@platescale/synthetic';
import { ApiClient } from '../lib/api-client.js';
import { intOption, parseCommandArgs } from '../lib/args.js';
import {
  apiUploader,
  DEMO_EXPERIMENT,
  type ImageUploader,
  manifestPrefix,
  objectStoreUploader,
  uploadDemoImages,
} from '../lib/demo-plate.js';
import { EXAMPLE_CHANNELS, EXAMPLE_PLATE, EXAMPLE_REFERENCE_COUNT, EXAMPLE_WELL } from '../lib/example-field.js';
import { localClient, startPlatform } from '../lib/platform.js';
import { writeReportDir } from '../lib/report-files.js';
import type { WellRow } from '../lib/results.js';
import { costLine, jobReport, jobSucceeded, runJob } from '../lib/run-job.js';
import { formatTable } from '../lib/table.js';

/**
 * `platescale demo [--json FILE] [--out DIR] [--seed N] [--fields N] [--batch-size N] [--api URL --key KEY]`:
 * a deterministic synthetic 96-well plate (known nuclei per field along two dose series, control columns 1 and
 * 12) plus the real example field, run as one job through the HTTP API — of an embedded platform, or of the one
 * at `--api` (docker compose, AWS); prints the per-well table and the count error against ground truth.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      json: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      fields: { type: 'string' },
      'batch-size': { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
    },
    false,
  );
  const seed = intOption(values.seed, 'seed', 0, 2 ** 31) ?? 1;
  const fields = intOption(values.fields, 'fields', 1, 16) ?? 4;
  const batchSize = intOption(values['batch-size'], 'batch-size', 1, 100) ?? 4;
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const target = values.api
    ? remoteTarget(values.api, values.key ?? process.env.PLATESCALE_API_KEY)
    : await embeddedTarget();
  const scratch = await mkdtemp(join(tmpdir(), 'platescale-demo-'));
  try {
    const { client } = target;
    log(`platescale demo · ${target.description}`);
    log(`generating the synthetic plate (96 wells × ${fields} fields, 2 channels, 512², 16-bit, seed ${seed})…`);
    const truth = await writePlate(scratch, { seed, fields });
    const manifest = await uploadDemoImages(target.upload, scratch, truth);

    const run = await runJob(
      client,
      {
        experimentId: DEMO_EXPERIMENT,
        plateFormat: 96,
        imagePrefix: manifestPrefix(manifest),
        naming: 'manifest',
        channels: EXAMPLE_CHANNELS,
        manifest,
      },
      {
        experimentId: DEMO_EXPERIMENT,
        segmentationChannel: 'DNA',
        batchSize,
        ...(target.maxConcurrency ? { maxConcurrency: target.maxConcurrency } : {}),
      },
      { body: plateMapOf(truth), contentType: 'application/json' },
    );
    const report = {
      ...jobReport(run),
      ...groundTruthReport(run.wells, truth),
      ...(await plateStatistics(client, run.job.jobId, truth)),
    };

    process.stdout.write(`${renderWellTable(run.wells, truth)}\n\n`);
    const gt = report.groundTruth;
    process.stdout.write(
      `${report.imagesSucceeded}/${report.imagesTotal} images segmented, ${report.imagesFailed} failed, ` +
        `${run.wallSeconds.toFixed(1)} s wall (${(report.imagesTotal / run.wallSeconds).toFixed(1)} images/s)\n` +
        `count error vs ground truth over ${gt.wellsCompared} synthetic wells: mean ${gt.meanAbsCountErrorPct.toFixed(2)} %, ` +
        `max ${gt.maxAbsCountErrorPct.toFixed(2)} %\n` +
        `example field ${EXAMPLE_PLATE} ${EXAMPLE_WELL}: ${gt.example.count ?? '–'} nuclei ` +
        `(scikit-image reference ${EXAMPLE_REFERENCE_COUNT})\n` +
        `plate QC: Z′(Count_Nuclei) = ${report.zPrime.Count_Nuclei?.toFixed(3) ?? '–'}\n` +
        `${costLine(report.cost)}\n` +
        report.doseResponse
          .map(
            (d) =>
              `dose-response ${d.treatment}: EC50 ${fmt(d.ec50)} (true ${fmt(d.trueEc50)}), hill ${fmt(d.hill)}, R² ${fmt(d.r2)}\n`,
          )
          .join(''),
    );
    if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    if (values.out) {
      const marked = new Map(
        Object.entries(truth.layout)
          .filter(([, d]) => d.role !== 'sample')
          .map(([well, d]) => [well, d.role.replace('_', ' ')]),
      );
      const files = await writeReportDir(values.out, client, run, report, 96, marked);
      log(`report written to ${values.out}: ${files.join(', ')}`);
    }
    return jobSucceeded(run) ? 0 : 1;
  } finally {
    await target.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

interface DemoTarget {
  client: ApiClient;
  upload: ImageUploader;
  description: string;
  maxConcurrency?: number;
  close(): Promise<void>;
}

const DEMO_TENANT = 'demo';

/** The whole platform in this process (the default). */
async function embeddedTarget(): Promise<DemoTarget> {
  const platform = await startPlatform({});
  const { config, objects } = platform.runtime;
  return {
    client: await localClient(platform, DEMO_TENANT),
    upload: objectStoreUploader(objects, DEMO_TENANT),
    description:
      `API ${platform.url} · database ${config.adapters.database}, cache ${config.adapters.cache}, ` +
      `objects ${config.adapters.objects}, workflow ${config.adapters.workflow} · ${config.WORKERS} workers`,
    maxConcurrency: config.WORKERS,
    close: () => platform.close(),
  };
}

/** A platform already running elsewhere (docker compose, AWS): images go up through the API. */
function remoteTarget(url: string, key: string | undefined): DemoTarget {
  if (!key) {
    throw new ValidationError(
      '--api needs an API key with jobs:write, jobs:read and models:write: --key psk_… or PLATESCALE_API_KEY ' +
        "(create one with `platescale keys create` against that platform's database)",
      'key',
    );
  }
  if (!URL.canParse(url)) throw new ValidationError(`--api '${url}' is not a URL (e.g. http://127.0.0.1:3000)`, 'api');
  const client = new ApiClient(url, key);
  return { client, upload: apiUploader(client), description: `API ${url}`, close: async () => undefined };
}

function trueWellCounts(truth: GroundTruth): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of truth.fields) counts.set(f.well, (counts.get(f.well) ?? 0) + f.trueCount);
  return counts;
}

function groundTruthReport(wells: WellRow[], truth: GroundTruth) {
  const trueCounts = trueWellCounts(truth);
  const errors: number[] = [];
  const rows = wells.map((w) => {
    const synthetic = w.plate === truth.plate;
    const expected = synthetic ? trueCounts.get(w.well) : undefined;
    if (expected) errors.push((Math.abs(w.cellCount - expected) / expected) * 100);
    return {
      plate: w.plate,
      well: w.well,
      fields: w.fields,
      fieldsFailed: w.fieldsFailed,
      cellCount: w.cellCount,
      meanArea: w.meanArea,
      trueCount: expected ?? null,
      treatment: synthetic ? (truth.layout[w.well]?.treatment ?? null) : null,
      dose: synthetic ? (truth.layout[w.well]?.dose ?? null) : null,
    };
  });
  const example = wells.find((w) => w.plate === EXAMPLE_PLATE && w.well === EXAMPLE_WELL);
  return {
    wells: rows,
    groundTruth: {
      wellsCompared: errors.length,
      meanAbsCountErrorPct: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : Number.NaN,
      maxAbsCountErrorPct: errors.length ? Math.max(...errors) : Number.NaN,
      example: {
        plate: EXAMPLE_PLATE,
        well: EXAMPLE_WELL,
        count: example?.cellCount ?? null,
        referenceCount: EXAMPLE_REFERENCE_COUNT,
        reference: 'scikit-image Otsu + distance-transform watershed, objects >= 30 px',
      },
    },
  };
}

function renderWellTable(wells: WellRow[], truth: GroundTruth): string {
  const trueCounts = trueWellCounts(truth);
  const rows = wells.map((w) => {
    const design = w.plate === truth.plate ? truth.layout[w.well] : undefined;
    const expected = w.plate === truth.plate ? trueCounts.get(w.well) : undefined;
    return [
      w.plate,
      w.well,
      design ? `${design.treatment}${design.role === 'sample' ? ` ${fmt(design.dose)} ${design.unit}` : ''}` : '',
      w.fields,
      w.fieldsFailed,
      w.cellCount,
      expected ?? null,
      expected ? Number((((w.cellCount - expected) / expected) * 100).toFixed(1)) : null,
      w.meanArea,
    ];
  });
  return formatTable(['plate', 'well', 'condition', 'fields', 'failed', 'cells', 'true', 'err %', 'mean area'], rows);
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toPrecision(3));

interface DoseResponseItem {
  treatment: string;
  ec50: number | null;
  ec50CiLow: number | null;
  ec50CiHigh: number | null;
  hill: number | null;
  r2: number | null;
}

/** Z′ of the synthetic plate per feature and the Count_Nuclei dose-response fits, next to the true EC50s. */
async function plateStatistics(client: ApiClient, jobId: string, truth: GroundTruth) {
  const id = encodeURIComponent(jobId);
  const qc = await client.request<{ items: { plate: string; feature: string; zPrime: number | null }[] }>(
    'GET',
    `/v1/jobs/${id}/results?level=plate`,
  );
  const fits = await client.request<{ items: DoseResponseItem[] }>(
    'GET',
    `/v1/jobs/${id}/dose-response?feature=Count_Nuclei`,
  );
  return {
    zPrime: Object.fromEntries(qc.items.filter((r) => r.plate === truth.plate).map((r) => [r.feature, r.zPrime])),
    doseResponse: fits.items.map((f) => ({
      treatment: f.treatment,
      ec50: f.ec50,
      ec50Ci: [f.ec50CiLow, f.ec50CiHigh],
      trueEc50: truth.treatments[f.treatment]?.ec50 ?? null,
      log10Error:
        f.ec50 && truth.treatments[f.treatment] ? Math.log10(f.ec50 / truth.treatments[f.treatment]!.ec50) : null,
      hill: f.hill,
      trueHill: truth.treatments[f.treatment]?.hill ?? null,
      r2: f.r2,
    })),
  };
}
