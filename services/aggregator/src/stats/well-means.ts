import { Interned } from './interned.js';
import type { WellMeans } from './wells.js';

/** A well's plate-map annotation as conditions and dose-response read it: one object per distinct annotation. */
export type Condition = Omit<WellMeans, 'features'>;

/** Most doubles per chunk of values (512 KB): a table grows a chunk at a time, never by copying. */
const MAX_CHUNK = 1 << 16;
const FIRST_CHUNK = 1 << 10;
/** Per well in `meta`: its name list, its condition, its chunk and its first value's index there. */
const META = 4;

/** A distinct list of feature names (a well's keys, in order) and each name's position in it. */
interface NameList {
  names: string[];
  position: Map<string, number>;
}

/**
 * Every well's feature means and annotation, in a few numeric arrays: a record of 47 means costs ~1.2 KB of heap
 * per well (55,000 wells at 500,000 images), here 8 bytes per mean plus 16 per well. Wells share their list of
 * feature names and their annotation (there are few distinct ones), so a well's means read exactly as its record.
 */
export class WellMeansTable {
  private readonly lists = new Interned<NameList>();
  private readonly conditions = new Interned<Condition>();
  private readonly chunks: Float64Array[] = [];
  private top = 0;
  private meta = new Int32Array(META * 64);
  private count = 0;

  /** The table of `wells`, unless it is one already. */
  static of(wells: Iterable<WellMeans> | WellMeansTable): WellMeansTable {
    if (wells instanceof WellMeansTable) return wells;
    const table = new WellMeansTable();
    for (const w of wells) table.push(w);
    return table;
  }

  get size(): number {
    return this.count;
  }

  /** Adds a well (the next index): its means are copied, the record itself is not kept. */
  push(w: WellMeans): void {
    const names = Object.keys(w.features);
    const chunk = this.chunkFor(names.length);
    const start = this.top;
    for (let k = 0; k < names.length; k++) this.chunks[chunk]![start + k] = w.features[names[k]!]!;
    this.top += names.length;
    if (this.meta.length < META * (this.count + 1)) {
      const grown = new Int32Array(this.meta.length * 2);
      grown.set(this.meta);
      this.meta = grown;
    }
    const at = META * this.count;
    this.meta[at] = this.listOf(names);
    this.meta[at + 1] = this.conditionOf(w);
    this.meta[at + 2] = chunk;
    this.meta[at + 3] = start;
    this.count += 1;
  }

  /** Well `i`'s annotation (shared with every well annotated alike). */
  condition(i: number): Condition {
    return this.conditions.values[this.meta[META * i + 1]!]!;
  }

  /** Well `i`'s feature names, in its record's order (an array shared with every well that has the same). */
  names(i: number): readonly string[] {
    return this.lists.values[this.meta[META * i]!]!.names;
  }

  /** Every feature of the wells at `indices`, sorted (wells share name lists, so each list is read once). */
  featureNames(indices: readonly number[]): string[] {
    return [...new Set([...new Set(indices.map((i) => this.names(i)))].flat())].sort();
  }

  /** Well `i`'s mean of `feature`, undefined if it has none. */
  value(i: number, feature: string): number | undefined {
    const at = META * i;
    const k = this.lists.values[this.meta[at]!]!.position.get(feature);
    return k === undefined ? undefined : this.chunks[this.meta[at + 2]!]![this.meta[at + 3]! + k];
  }

  /** The chunk to put `length` values at `top` in, a new one (each twice the last, up to MAX_CHUNK) if full. */
  private chunkFor(length: number): number {
    const last = this.chunks[this.chunks.length - 1];
    if (last && this.top + length <= last.length) return this.chunks.length - 1;
    const size = Math.min(MAX_CHUNK, last ? last.length * 2 : FIRST_CHUNK);
    this.chunks.push(new Float64Array(Math.max(size, length)));
    this.top = 0;
    return this.chunks.length - 1;
  }

  private listOf(names: string[]): number {
    return this.lists.indexOf(names.join('\u0000'), () => ({ names, position: new Map(names.map((n, k) => [n, k])) }));
  }

  private conditionOf({ treatment, dose, unit, role }: WellMeans): number {
    // The dose as a string that tells null, NaN and −0 apart: wells share an annotation only if it is the same.
    const doseKey = dose === null ? null : Object.is(dose, -0) ? '-0' : String(dose);
    return this.conditions.indexOf(JSON.stringify([treatment, doseKey, unit, role]), () => ({
      treatment,
      dose,
      unit,
      role,
    }));
  }
}
