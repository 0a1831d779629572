import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SyntheticError } from './errors.js';
import { type BitDepth, renderField } from './field.js';
import { type DesignOptions, designPlate, type WellDesign, type WellRole } from './layout.js';
import { createRandom, deriveSeed } from './random.js';
import { encodeLabels, encodeTiff, type TiffCompression } from './tiff.js';

/** Channel names of the files, by `w` index: w1 nuclei/DNA, w2 the second (cell) stain. */
export const SYNTHETIC_CHANNELS = ['DNA', 'CellStain'] as const;

export interface PlateOptions {
  plate?: string;
  seed?: number;
  /** Field width and height in pixels (default 512). */
  size?: number;
  /** Fields per well (default 4). */
  fields?: number;
  bitDepth?: BitDepth;
  compression?: TiffCompression;
  /** Coefficient of variation of the per-field nuclei count around the well's expected value (default 0.1). */
  countCv?: number;
  /** Fraction of nuclei in touching clumps (default 0.3). */
  touchingFraction?: number;
  /** Median nucleus radius of the experiment, px (default 7 at 512²); sizes spread lognormally around it. */
  nucleusRadius?: number;
  /** Also write each field's ground-truth instance labels, `masks/<plate>_<well>_s<site>_labels.png` (16-bit). */
  masks?: boolean;
  design?: DesignOptions;
  /** Only these wells (e.g. a quick test); default all 96. */
  wells?: string[];
}

export interface GroundTruthField {
  well: string;
  /** 0-based, as ImageSet.field; the file name's site is field + 1. */
  field: number;
  trueCount: number;
  /** File names in channel order (w1, w2). */
  files: string[];
  /** With `masks`: the 16-bit label PNG (0 background, nuclei 1..trueCount), relative to the plate directory. */
  mask?: string;
}

export interface GroundTruth {
  schemaVersion: 1;
  plate: string;
  seed: number;
  plateFormat: 96;
  naming: 'imagexpress';
  width: number;
  height: number;
  bitDepth: BitDepth;
  fieldsPerWell: number;
  channels: string[];
  /** The 10 doses of columns 2–11, ascending. */
  doses: number[];
  /** True curve per treatment: nuclei per field = bottom + (top − bottom) / (1 + (dose / ec50)^hill). */
  treatments: Record<string, { ec50: number; hill: number; top: number; bottom: number; unit: string; rows: string[] }>;
  layout: Record<
    string,
    { treatment: string; dose: number; unit: string; role: WellRole; expectedCount: number; stainLevel: number }
  >;
  fields: GroundTruthField[];
  totals: { wells: number; fields: number; images: number; nuclei: number };
}

/** Encodes are handed to sharp's thread pool while the next field renders; this bounds memory in flight. */
const IN_FLIGHT = 8;

export function imageFileName(plate: string, well: string, field: number, channel: number): string {
  return `${plate}_${well}_s${field + 1}_w${channel + 1}.tif`;
}

/** Where `writePlate({ masks: true })` puts a field's label image, relative to the plate directory. */
export function maskFileName(plate: string, well: string, field: number): string {
  return `masks/${plate}_${well}_s${field + 1}_labels.png`;
}

/** The nuclei count of one field: drawn around the well's expected value, deterministic per (seed, well, field). */
export function fieldCount(seed: number, plate: string, design: WellDesign, field: number, cv: number): number {
  const random = createRandom(deriveSeed(seed, plate, design.well, field, 'count'));
  return Math.max(0, Math.round(design.expectedCount * (1 + cv * random.normal())));
}

/**
 * Writes a synthetic 96-well plate to `dir`: 16-bit (or 8-bit) TIFFs named ImageXpress-style
 * `<plate>_<well>_s<site>_w<channel>.tif` and `ground-truth.json` (layout, true counts, true curves).
 */
export async function writePlate(dir: string, opts: PlateOptions = {}): Promise<GroundTruth> {
  const plate = opts.plate ?? 'SYNTH01';
  const seed = opts.seed ?? 1;
  const size = opts.size ?? 512;
  const fieldsPerWell = opts.fields ?? 4;
  const bitDepth = opts.bitDepth ?? 16;
  const cv = opts.countCv ?? 0.1;
  if (!/^[A-Za-z0-9-]+$/.test(plate)) {
    throw new SyntheticError(`plate name '${plate}' must be letters, digits and '-' (it is the file-name prefix)`);
  }
  if (!Number.isInteger(fieldsPerWell) || fieldsPerWell < 1) throw new SyntheticError('fields must be ≥ 1');
  const design = designPlate(opts.design);
  const wanted = opts.wells ? new Set(opts.wells) : undefined;
  const wells = design.wells.filter((w) => !wanted || wanted.has(w.well));
  await mkdir(opts.masks ? join(dir, 'masks') : dir, { recursive: true });

  const fields: GroundTruthField[] = [];
  const pending = new Set<Promise<void>>();
  for (const well of wells) {
    for (let field = 0; field < fieldsPerWell; field++) {
      const rendered = renderField({
        width: size,
        height: size,
        seed: deriveSeed(seed, plate, well.well, field),
        count: fieldCount(seed, plate, well, field, cv),
        bitDepth,
        stainLevel: well.stainLevel,
        ...(opts.touchingFraction === undefined ? {} : { touchingFraction: opts.touchingFraction }),
        ...(opts.nucleusRadius === undefined ? {} : { meanRadius: opts.nucleusRadius }),
      });
      const files = rendered.channels.map((_, c) => imageFileName(plate, well.well, field, c));
      const mask = opts.masks ? maskFileName(plate, well.well, field) : undefined;
      fields.push({ well: well.well, field, trueCount: rendered.count, files, ...(mask ? { mask } : {}) });
      const write = Promise.all([
        ...rendered.channels.map(async (pixels, c) => {
          const tiff = await encodeTiff(pixels, size, size, bitDepth, opts.compression);
          await writeFile(join(dir, files[c]!), tiff);
        }),
        ...(mask ? [encodeLabels(rendered.labels, size, size).then((png) => writeFile(join(dir, mask), png))] : []),
      ]).then(() => {
        pending.delete(write);
      });
      pending.add(write);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
  }
  await Promise.all(pending);

  const truth: GroundTruth = {
    schemaVersion: 1,
    plate,
    seed,
    plateFormat: 96,
    naming: 'imagexpress',
    width: size,
    height: size,
    bitDepth,
    fieldsPerWell,
    channels: [...SYNTHETIC_CHANNELS],
    doses: design.doses,
    treatments: Object.fromEntries(design.treatments.map(({ treatment, ...curve }) => [treatment, curve])),
    layout: Object.fromEntries(wells.map(({ well, ...rest }) => [well, rest])),
    fields,
    totals: {
      wells: wells.length,
      fields: fields.length,
      images: fields.length * SYNTHETIC_CHANNELS.length,
      nuclei: fields.reduce((sum, f) => sum + f.trueCount, 0),
    },
  };
  await writeFile(join(dir, 'ground-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}

/** The plate map of a written plate, as rows of the plate-map JSON format (plate, well, treatment, dose, unit, role). */
export function plateMapOf(truth: GroundTruth): {
  plate: string;
  well: string;
  treatment: string;
  dose: number;
  unit: string;
  role: WellRole;
}[] {
  return Object.entries(truth.layout).map(([well, w]) => ({
    plate: truth.plate,
    well,
    treatment: w.treatment,
    dose: w.dose,
    unit: w.unit,
    role: w.role,
  }));
}
