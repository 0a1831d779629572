import type { ImageResult } from '@platescale/shared';
import { medianOfSorted } from './descriptive.js';
import { AREA_FEATURE, COUNT_FEATURE, type FieldValues, forEachImageFeature, intensityFeature } from './features.js';
import { Interned } from './interned.js';
import { recordOf } from './records.js';
import { type Block, Slabs } from './slabs.js';
import { annotationOf, type PlateMapLookup, type WellSummary } from './wells.js';

/** Feature index of each field's median area (features proper follow it); it has a median and no mean. */
const MEDIAN_AREA = 0;
/** Elements per slab of the per-well blocks (8 MB of float64): ~7,000 wells of 47 features. */
const SLAB = 1 << 20;

/** A well that is neither being filled nor summarised has no field values: only sums, counts and medians. */
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
   * Three rows of `width` (index = the accumulator's feature index): Σ of each feature in arrival order (means are
   * exact), n (the fields with a value), and the median over those fields (NaN: none, or not known yet).
   */
  stats: Block | undefined;
  width: number;
  /** Its fields came in more than one run: the medians need every field again (`recount`). */
  scattered: boolean;
}

/** The fields of one well: an ImageResult, or an image row read back from the results. */
export interface WellField extends FieldValues {
  plate: string;
  well: string;
  medianArea: number | null;
}

/**
 * Per-well results from a stream of per-image results, without holding the images: counts, sums and weighted
 * sums are exact (every mean is computed as analyzeJob computes it, in the same order). A well's fields mostly
 * arrive together: the field values of the run being read are kept (float64), and when the stream moves on its
 * medians are taken, exactly, and the values dropped. A well whose fields come in several runs (another file, or
 * another child's batch) is `scattered`: its medians are taken from all its fields read back (`recount`). Memory
 * is the per-well state, three numbers per feature, whatever the number of fields.
 */
export class WellAccumulator {
  private readonly wells = new Map<string, WellState>();
  /** Feature names by index (index 0 is the median-area column). */
  private readonly names = new Interned<string>([['\u0000medianArea', '\u0000medianArea']]);
  private readonly channels = new Interned<string>();
  /** Every well's stats, as blocks of a few large arrays (slabs.ts). */
  private readonly statSlabs = new Slabs((n) => new Float64Array(n), SLAB);
  /** The field values of the run being read: `runRows` rows of `runWidth` (NaN = the field has none). */
  private run = new Float64Array(0);
  private runRows = 0;
  private runWidth = 0;
  /** One feature's values of the run, sorted for its median (reused). */
  private readonly column: number[] = [];
  /** The image being added: its feature indices and values (reused, so no object per image), and how many. */
  private readonly slots: number[] = [];
  private readonly slotValues: number[] = [];
  private slotCount = 0;
  /** The well of the run being read. */
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
    const w = this.enter(r);
    w.fields += 1;
    if (!r.ok) {
      w.fieldsFailed += 1;
      return;
    }
    w.cellCount += r.count;
    this.pushRow(r);
    this.widen(w);
    const stats = this.statSlabs.array(w.stats!);
    const s0 = w.stats!.start;
    const n0 = s0 + w.width;
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
    }
    for (let k = 0; k < this.slotCount; k++) {
      const i = this.slots[k]!;
      stats[s0 + i] = stats[s0 + i]! + this.slotValues[k]!;
      stats[n0 + i] = stats[n0 + i]! + 1;
    }
    w.ok += 1;
  }

  /** The wells whose fields did not arrive together (ends the stream's last run). */
  scattered(): { plate: string; well: string }[] {
    this.endRun();
    const out: { plate: string; well: string }[] = [];
    for (const w of this.wells.values()) if (w.scattered) out.push({ plate: w.plate, well: w.well });
    return out;
  }

  /**
   * Takes the medians of scattered wells from every successful field of theirs (each well's fields together, in
   * any order): a second pass over the stored rows. Sums and counts were complete already.
   */
  recount(fields: Iterable<WellField>): void {
    this.endRun();
    for (const r of fields) {
      let w = this.last;
      if (w?.plate !== r.plate || w.well !== r.well) {
        this.endRun();
        w = this.wells.get(keyOf(r));
        // A well met twice here would have its medians taken from part of its fields.
        if (!w?.scattered) throw new Error(`recount: ${r.plate} ${r.well} is not a scattered well, or came twice`);
        w.scattered = false;
        this.last = w;
      }
      this.pushRow(r);
      this.widen(w);
    }
    this.endRun();
  }

  /**
   * Every well's summary, annotated from the plate map, in plate/well order (what aggregateWells returns), one
   * plate at a time. Drains the accumulator: each well's state is released once summarised, and a plate's
   * summaries are built only when the caller asks for the next plate, so it holds no more than one plate of them.
   */
  *plates(plateMap: PlateMapLookup): Generator<WellSummary[]> {
    this.endRun();
    const keys = [...this.wells.keys()].sort();
    // Feature indices in name order, once: every well lists its features in that order.
    const byName = inNameOrder(this.names.values);
    let plate: WellSummary[] = [];
    for (const key of keys) {
      const w = this.wells.get(key)!;
      if (w.scattered) throw new Error(`${w.plate} ${w.well}: fields in several runs and no recount`);
      this.wells.delete(key);
      const measures = this.measures(w, byName);
      if (w.stats) this.statSlabs.free(w.stats);
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
    const stats = w.stats ? this.statSlabs.array(w.stats) : new Float64Array(0);
    const s0 = w.stats?.start ?? 0;
    const n = (i: number) => (i < w.width ? stats[s0 + w.width + i]! : 0);
    const median = (i: number) => (i < w.width ? stats[s0 + 2 * w.width + i]! : Number.NaN);
    const present = byName.filter((i) => i !== MEDIAN_AREA && n(i) > 0);
    const keys = present.map((i) => this.names.values[i]!);
    const features = recordOf(keys);
    const featureMedians = recordOf(keys);
    for (const i of present) {
      const name = this.names.values[i]!;
      features[name] = stats[s0 + i]! / n(i);
      featureMedians[name] = median(i);
    }
    // Area and intensities describe nuclei: over the well they are weighted by how many each field holds.
    if (meanArea !== null) features[AREA_FEATURE] = meanArea;
    for (const [channel, value] of Object.entries(meanIntensity)) features[intensityFeature(channel)] = value;
    const medianArea = median(MEDIAN_AREA);
    return {
      meanCellCount: w.ok > 0 ? features[COUNT_FEATURE]! : null,
      meanArea,
      medianArea: Number.isNaN(medianArea) ? null : medianArea,
      meanIntensity,
      features,
      featureMedians,
    };
  }

  /** The state of r's well (created empty on its first field), its run begun: the previous run's ended. */
  private enter(r: ImageResult): WellState {
    const last = this.last;
    if (last?.plate === r.plate && last.well === r.well) return last;
    this.endRun();
    let w = this.wells.get(keyOf(r));
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
        stats: undefined,
        width: 0,
        scattered: false,
      };
      this.wells.set(keyOf(r), w);
    } else {
      // Known and not the current run's well: a run of its fields ended before, so this one is not all of them.
      w.scattered = true;
    }
    this.last = w;
    return w;
  }

  /**
   * The run ends: its well's medians are taken from the run's values (unless the well is scattered: this run is
   * not all of it) and the values dropped.
   */
  private endRun(): void {
    const w = this.last;
    this.last = undefined;
    if (!w) return;
    if (!w.scattered && w.stats) {
      const stats = this.statSlabs.array(w.stats);
      const m0 = w.stats.start + 2 * w.width;
      for (let i = 0; i < w.width; i++) stats[m0 + i] = this.runMedian(i);
    }
    this.runRows = 0;
  }

  /** The median of feature i over the run's fields that have it (NaN if none). */
  private runMedian(i: number): number {
    const column = this.column;
    column.length = 0;
    if (i < this.runWidth) {
      for (let r = 0; r < this.runRows; r++) {
        const v = this.run[r * this.runWidth + i]!;
        if (!Number.isNaN(v)) column.push(v);
      }
    }
    return medianOfSorted(column.sort((a, b) => a - b)) ?? Number.NaN;
  }

  /** Adds a successful field's values to the run: its median area (if it has nuclei) and its features. */
  private pushRow(r: WellField): void {
    this.featuresOf(r);
    const width = this.names.values.length;
    if ((this.runRows + 1) * width > this.run.length || width !== this.runWidth) this.growRun(width);
    const row = this.runRows * width;
    this.run.fill(Number.NaN, row, row + width);
    const { medianArea } = r;
    if (r.count > 0 && medianArea !== null && Number.isFinite(medianArea)) this.run[row + MEDIAN_AREA] = medianArea;
    for (let k = 0; k < this.slotCount; k++) this.run[row + this.slots[k]!] = this.slotValues[k]!;
    this.runRows += 1;
  }

  /** Room for one more row of `width` in the run, its rows laid out again if the width changed. */
  private growRun(width: number): void {
    const grown = new Float64Array(Math.max(this.run.length, (this.runRows + 1) * width * 2));
    grown.fill(Number.NaN);
    for (let r = 0; r < this.runRows; r++) {
      grown.set(this.run.subarray(r * this.runWidth, (r + 1) * this.runWidth), r * width);
    }
    this.run = grown;
    this.runWidth = width;
  }

  /** The well's stats as wide as the features named so far (a new name widens them, its sums and n zero). */
  private widen(w: WellState): void {
    const width = this.names.values.length;
    if (w.stats && w.width === width) return;
    const grown = this.statSlabs.alloc(3 * width, 0);
    const to = this.statSlabs.array(grown);
    to.fill(Number.NaN, grown.start + 2 * width, grown.start + 3 * width);
    if (w.stats) {
      const from = this.statSlabs.array(w.stats);
      for (let row = 0; row < 3; row++) {
        const at = w.stats.start + row * w.width;
        to.set(from.subarray(at, at + w.width), grown.start + row * width);
      }
      this.statSlabs.free(w.stats);
    }
    w.stats = grown;
    w.width = width;
  }

  /** Indexes the image's features (what imageFeatures gives) into the slots; new names widen the matrix. */
  private featuresOf(r: WellField): void {
    this.images += 1;
    this.slotCount = 0;
    forEachImageFeature(r, this.collect);
  }

  private indexOf(name: string): number {
    return this.names.indexOf(name, () => name);
  }

  private channelOf(channel: string): number {
    return this.channels.indexOf(channel, () => channel);
  }
}

const keyOf = (r: { plate: string; well: string }) => `${r.plate}\u0000${r.well}`;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The indices of `names`, in the names' order. */
const inNameOrder = (names: readonly string[]) => names.map((_, i) => i).sort((a, b) => cmp(names[a]!, names[b]!));
