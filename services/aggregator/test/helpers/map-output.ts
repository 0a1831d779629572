import { randomUUID } from 'node:crypto';
import type { ImageResult, ImageSet, ImageSummary, ObjectStore } from '@platescale/shared';
import { designPlate, fieldCount, type WellDesign } from '@platescale/synthetic';

export interface Batch {
  items: ImageSet[];
  /** The segmenter's answer for a child that succeeded. */
  results?: ImageResult[];
  /** The error of a child execution that failed. */
  error?: { Error: string; Cause: string };
}

const setOf = (r: { plate: string; well: string; field: number }): ImageSet => ({
  plate: r.plate,
  well: r.well,
  field: r.field,
  images: { DNA: `images/${r.plate}_${r.well}_s${r.field + 1}_w1.tif` },
});

/** Batches of `size` from per-image results: each batch succeeds with its results. */
export function batchesOf(results: ImageResult[], size: number): Batch[] {
  const batches: Batch[] = [];
  for (let i = 0; i < results.length; i += size) {
    const chunk = results.slice(i, i + size);
    batches.push({ items: chunk.map(setOf), results: chunk });
  }
  return batches;
}

/**
 * Writes ResultWriter output exactly as Step Functions does: `<prefix>map/<mapRunId>/manifest.json` plus
 * SUCCEEDED_0.json / FAILED_0.json whose Input and Output are JSON text.
 */
export async function writeMapOutput(objects: ObjectStore, prefix: string, batches: Batch[]) {
  const mapRunId = randomUUID();
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:analysis/SegmentImageSets:${mapRunId}`;
  const base = `${prefix}map/${mapRunId}`;
  const entry = (b: Batch, i: number) => ({
    ExecutionArn: `${mapRunArn}:${i}`,
    Input: JSON.stringify({ BatchInput: { jobId: 'x' }, Items: b.items }),
    InputDetails: { Included: true },
    Name: String(i),
    ...(b.error
      ? { Error: b.error.Error, Cause: b.error.Cause, Status: 'FAILED' }
      : { Output: JSON.stringify({ results: b.results }), OutputDetails: { Included: true }, Status: 'SUCCEEDED' }),
    RedriveCount: 0,
    StartDate: '2026-01-01T00:00:00.000Z',
    StopDate: '2026-01-01T00:00:01.000Z',
  });
  const files: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const entries = batches.map(entry).filter((e) => e.Status === status);
    if (entries.length === 0) continue;
    const key = `${base}/${status}_0.json`;
    const body = JSON.stringify(entries);
    await objects.put(key, body);
    files[status]!.push({ Key: key, Size: body.length });
  }
  const Key = `${base}/manifest.json`;
  await objects.put(
    Key,
    JSON.stringify({ DestinationBucket: objects.bucket, MapRunArn: mapRunArn, ResultFiles: files }),
  );
  return { Bucket: objects.bucket, Key, mapRunArn };
}

/** A perfect segmentation of the synthetic plate: each field reports its true count. */
export function syntheticPlateResults(opts: { plate?: string; seed?: number; fields?: number } = {}) {
  const plate = opts.plate ?? 'SYNTH01';
  const seed = opts.seed ?? 1;
  const design = designPlate();
  const images: ImageSummary[] = design.wells.flatMap((w: WellDesign) =>
    Array.from({ length: opts.fields ?? 4 }, (_, field) => ({
      plate,
      well: w.well,
      field,
      ok: true as const,
      count: fieldCount(seed, plate, w, field, 0.1),
      meanArea: 150 + field,
      medianArea: 140 + field,
      meanIntensity: { DNA: 1500, CellStain: 700 * w.stainLevel },
      seconds: 0.1,
    })),
  );
  const plateMapRows = design.wells.map(({ well, treatment, dose, unit, role }) => ({
    plate,
    well,
    treatment,
    dose,
    unit,
    role,
  }));
  return { design, images, plateMapRows };
}
