import type { ImageResult, ImageSummary } from '@platescale/shared';
import { medianOfSorted } from './descriptive.js';
import { AREA_FEATURE, COUNT_FEATURE, forEachImageFeature, intensityFeature } from './features.js';
import { Interned } from './interned.js';
import { recordOf } from './records.js';
import { type Block, Slabs } from './slabs.js';
import { annotationOf, type PlateMapLookup, type WellSummary } from './wells.js';

/** Column of the per-well value matrix that holds each field's median area (the features follow it). */
const MEDIAN_AREA = 0;
const INITIAL_ROWS = 16;
/** Elements per slab of the per-well blocks (4 MB of float32, 8 MB of float64): ~2,500 wells of 9 fields. */
const SLAB = 1 << 20;

/** Mergeable state of one well: exact sums for every mean, and each field's values (float32) for the medians. */
interface WellState {
  plate: string;
  well: string;
  fields: number;
  fieldsFailed: number;
  ok: number;
  cellCount: number;
  areaSum: number;
  areaWeight: number;
  /**
   * Σ intensity·count and Σ count of channel c (the accumulator's channel index) at 2c and 2c + 1, over the fields
   * with nuclei and a finite intensity; holes for channels the well has none of.
   */
  intensity: number[];
  /**
   * Σ of each feature (index = the accumulator's feature index, `width` of them), in arrival order: means are
   * exact. Its n is the number of fields with a value in the feature's column of `values`.
   */
  sums: Block | undefined;
  /**
   * One row per successful field, `width` columns (NaN = the field has no such value; a finite value stays
   * non-NaN as float32), for the medians and the counts. Trimmed to its rows when the well's run of fields ends.
   */
  values: Block | undefined;
  width: number;
}

/**
 * Per-well results from a stream of per-image results, without holding the images: counts, sums and weighted
 * sums are exact (every mean is computed as analyzeJob computes it, in the same order); medians over a well's
 * fields come from that well's field values stored as float32, so a median differs from the float64 one by at
 * most a relative 2⁻²⁴ (float32 rounding; order is preserved by rounding, so the same field is picked). Memory
 * is the per-well state: a few numbers per feature plus 4 bytes per field and feature.
 */
export class WellAccumulator {
  private readonly wells = new Map<string, WellState>();
  /** Feature names by index (index 0 is the median-area column). */
  private readonly names = new Interned<string>([['\u0000medianArea', '\u0000medianArea']]);
  private readonly channels = new Interned<string>();
  /** Every well's sums and matrix, as blocks of a few large arrays (slabs.ts). */
  private readonly sumSlabs = new Slabs((n) => new Float64Array(n), SLAB);
  private readonly valueSlabs = new Slabs((n) => new Float32Array(n), SLAB);
  /** The image being added: its feature indices and values (reused, so no object per image), and how many. */
  private readonly slots: number[] = [];
  private readonly slotValues: number[] = [];
  private slotCount = 0;
  /** The well of the previous image: a well's fields mostly arrive together. */
  private last: WellState | undefined;
  /** Per feature index, the number of the image that last gave it a value: an image's first value wins. */
  private readonly givenBy: number[] = [];
  private images = 0;
  private readonly collect = (name: string, value: number): void => {
    const i = this.indexOf(name);
    if (this.givenBy[i] === this.images) return;
    this.givenBy[i] = this.images;
    this.slots[this.slotCount] = i;
    this.slotValues[this.slotCount] = value;
    this.slotCount += 1;
  };

  get size(): number {
    return this.wells.size;
  }

  add(r: ImageResult): void {
    const last = this.last;
    const w = last?.plate === r.plate && last.well === r.well ? last : this.stateOf(r);
    if (last && last !== w) this.trim(last);
    this.last = w;
    w.fields += 1;
    if (!r.ok) {
      w.fieldsFailed += 1;
      return;
    }
    w.cellCount += r.count;
    this.featuresOf(r);
    const row = this.row(w);
    const values = this.valueSlabs.array(w.values!);
    const sums = this.sumSlabs.array(w.sums!);
    const s0 = w.sums!.start;
    if (r.count > 0) {
      w.areaSum += r.meanArea * r.count;
      w.areaWeight += r.count;
      const intensities = r.meanIntensity ?? {};
      for (const channel in intensities) {
        const value = intensities[channel]!;
        if (!Number.isFinite(value)) continue;
        const c = 2 * this.channelOf(channel);
        w.intensity[c] = (w.intensity[c] ?? 0) + value * r.count;
        w.intensity[c + 1] = (w.intensity[c + 1] ?? 0) + r.count;
      }
      if (Number.isFinite(r.medianArea)) values[row + MEDIAN_AREA] = r.medianArea;
    }
    for (let k = 0; k < this.slotCount; k++) {
      const i = this.slots[k]!;
      const value = this.slotValues[k]!;
      sums[s0 + i] = sums[s0 + i]! + value;
      values[row + i] = value;
    }
    w.ok += 1;
  }

  /**
   * Every well's summary, annotated from the plate map, in plate/well order (what aggregateWells returns), one
   * plate at a time. Drains the accumulator: each well's state is released once summarised, and a plate's
   * summaries are built only when the caller asks for the next plate, so it holds no more than one plate of them.
   */
  *plates(plateMap: PlateMapLookup): Generator<WellSummary[]> {
    const keys = [...this.wells.keys()].sort();
    // Feature indices in name order, once: every well lists its features in that order.
    const byName = inNameOrder(this.names.values);
    this.last = undefined;
    let plate: WellSummary[] = [];
    for (const key of keys) {
      const w = this.wells.get(key)!;
      this.wells.delete(key);
      const measures = this.measures(w, byName);
      this.release(w);
      // Keys sort by plate first (`plate\0well`): a plate's wells are consecutive.
      if (plate.length > 0 && plate[0]!.plate !== w.plate) {
        yield plate;
        plate = [];
      }
      const { well, fields, fieldsFailed, cellCount } = w;
      plate.push({
        plate: w.plate,
        well,
        fields,
        fieldsFailed,
        cellCount,
        ...measures,
        ...annotationOf(plateMap(w.plate, well)),
      });
    }
    if (plate.length > 0) yield plate;
  }

  private measures(w: WellState, byName: number[]) {
    const meanArea = w.areaWeight > 0 ? w.areaSum / w.areaWeight : null;
    const meanIntensity: Record<string, number> = {};
    for (const index of inNameOrder(this.channels.values)) {
      const channel = this.channels.values[index]!;
      const c = 2 * index;
      const weight = w.intensity[c + 1];
      if (weight !== undefined && weight > 0) meanIntensity[channel] = w.intensity[c]! / weight;
    }
    const columns = byName
      .map((i) => [i, this.column(w, i)] as const)
      .filter(([i, c]) => i !== MEDIAN_AREA && c.length);
    const keys = columns.map(([i]) => this.names.values[i]!);
    const features = recordOf(keys);
    const featureMedians = recordOf(keys);
    for (const [i, column] of columns) {
      const name = this.names.values[i]!;
      features[name] = this.sumSlabs.array(w.sums!)[w.sums!.start + i]! / column.length;
      featureMedians[name] = medianOfSorted(column)!;
    }
    // Area and intensities describe nuclei: over the well they are weighted by how many each field holds.
    if (meanArea !== null) features[AREA_FEATURE] = meanArea;
    for (const [channel, value] of Object.entries(meanIntensity)) features[intensityFeature(channel)] = value;
    return {
      meanCellCount: w.ok > 0 ? features[COUNT_FEATURE]! : null,
      meanArea,
      medianArea: medianOfSorted(this.column(w, MEDIAN_AREA)),
      meanIntensity,
      features,
      featureMedians,
    };
  }

  /** The well's values of feature `i` (fields without one left out), in ascending order. */
  private column(w: WellState, i: number): number[] {
    const out: number[] = [];
    if (i >= w.width || !w.values) return out;
    const values = this.valueSlabs.array(w.values);
    for (let r = 0; r < w.ok; r++) {
      const v = values[w.values.start + r * w.width + i]!;
      if (!Number.isNaN(v)) out.push(v);
    }
    return out.sort((a, b) => a - b);
  }

  /** The well's state, created empty on its first field. */
  private stateOf(r: ImageResult): WellState {
    const key = `${r.plate}\u0000${r.well}`;
    let w = this.wells.get(key);
    if (!w) {
      w = {
        plate: r.plate,
        well: r.well,
        fields: 0,
        fieldsFailed: 0,
        ok: 0,
        cellCount: 0,
        areaSum: 0,
        areaWeight: 0,
        intensity: [],
        sums: undefined,
        values: undefined,
        width: 0,
      };
      this.wells.set(key, w);
    }
    return w;
  }

  /** Indexes the image's features (what imageFeatures gives) into the slots; new names widen the matrix. */
  private featuresOf(r: ImageSummary): void {
    this.images += 1;
    this.slotCount = 0;
    forEachImageFeature(r, this.collect);
  }

  private indexOf(name: string): number {
    return this.names.indexOf(name, () => name);
  }

  /**
   * Gives back a well's spare rows once its run of fields ended (fields of a well mostly arrive together, and its
   * block is then the last one taken, so this is free): 9 fields would otherwise hold 16 rows. A field arriving
   * later grows the matrix again.
   */
  private trim(w: WellState): void {
    if (w.values) this.valueSlabs.shrink(w.values, w.ok * w.width);
  }

  /** A summarised well's blocks go back (a slab is released once none of its wells is left). */
  private release(w: WellState): void {
    if (w.values) this.valueSlabs.free(w.values);
    if (w.sums) this.sumSlabs.free(w.sums);
  }

  private channelOf(channel: string): number {
    return this.channels.indexOf(channel, () => channel);
  }

  /** Index (in its slab) of a new NaN-filled row for the well's next successful field, growing its matrix and sums. */
  private row(w: WellState): number {
    const width = this.names.values.length;
    const needed = (w.ok + 1) * width;
    const old = w.values;
    if (old && width === w.width && needed <= old.length) return old.start + w.ok * width;
    const rows = Math.max(INITIAL_ROWS, w.ok + 1, width === w.width ? Math.ceil(w.ok * 1.5) : w.ok + 1);
    const grown = this.valueSlabs.alloc(rows * width, Number.NaN);
    if (old) {
      const from = this.valueSlabs.array(old);
      const to = this.valueSlabs.array(grown);
      for (let r = 0; r < w.ok; r++) {
        const at = old.start + r * w.width;
        to.set(from.subarray(at, at + w.width), grown.start + r * width);
      }
      this.valueSlabs.free(old);
    }
    w.values = grown;
    if (width !== w.width) {
      const sums = this.sumSlabs.alloc(width, 0);
      if (w.sums) {
        const from = this.sumSlabs.array(w.sums);
        this.sumSlabs.array(sums).set(from.subarray(w.sums.start, w.sums.start + w.sums.length), sums.start);
        this.sumSlabs.free(w.sums);
      }
      w.sums = sums;
    }
    w.width = width;
    return grown.start + w.ok * width;
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The indices of `names`, in the names' order. */
const inNameOrder = (names: readonly string[]) => names.map((_, i) => i).sort((a, b) => cmp(names[a]!, names[b]!));
