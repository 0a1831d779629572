import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SEGMENTER_OPTIONS, decodeImage, type GreyImage } from '@platescale/segmentation';
import { TrainingInputError } from '../errors.js';

/**
 * An annotated image set on disk (the layout of data/dsb2018): `images/<stem>.png`, `masks/<stem>.png` (16-bit
 * instance labels, 0 = background), `index.csv` (stem, height, width, …) and `split.csv` (stem, split, group,
 * diameter) — which image is for training, for tuning (choosing between candidates) or for validation (reported,
 * never fitted).
 */
export type Split = 'train' | 'tune' | 'validation';
export type SizeGroup = 'small' | 'medium' | 'large';

export const SIZE_GROUPS: readonly SizeGroup[] = ['small', 'medium', 'large'];

/** Typical nucleus diameter (px) bounds of the size groups: under 14 px small, 30 px and over large. */
export const SIZE_GROUP_BOUNDS = { small: 14, large: 30 } as const;

export function sizeGroup(diameter: number): SizeGroup {
  if (diameter < SIZE_GROUP_BOUNDS.small) return 'small';
  return diameter < SIZE_GROUP_BOUNDS.large ? 'medium' : 'large';
}

export interface AnnotatedEntry {
  stem: string;
  width: number;
  height: number;
  split: Split;
  group: SizeGroup;
  /** Median equivalent diameter (px) of the image's annotated nuclei. */
  diameter: number;
}

export interface AnnotatedImage {
  entry: AnnotatedEntry;
  image: GreyImage;
  /** Instance labels, 0 = background. */
  labels: Uint16Array;
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

export async function readAnnotatedSet(dir: string): Promise<AnnotatedEntry[]> {
  const index = parseCsv(await readFile(join(dir, 'index.csv'), 'utf8'));
  const split = new Map(parseCsv(await readFile(join(dir, 'split.csv'), 'utf8')).map((r) => [r.stem!, r]));
  return index.map((r) => {
    const s = split.get(r.stem!);
    if (!s) throw new TrainingInputError(`${dir}/split.csv has no row for '${r.stem}'`, 'split');
    return {
      stem: r.stem!,
      width: Number(r.width),
      height: Number(r.height),
      split: s.split as Split,
      group: s.group as SizeGroup,
      diameter: Number(s.diameter),
    };
  });
}

async function decodeFile(path: string): Promise<GreyImage> {
  return decodeImage(path, await readFile(path), DEFAULT_SEGMENTER_OPTIONS);
}

/** An image and its instance labels. */
export async function loadAnnotatedImage(dir: string, entry: AnnotatedEntry): Promise<AnnotatedImage> {
  const [image, mask] = await Promise.all([
    decodeFile(join(dir, 'images', `${entry.stem}.png`)),
    decodeFile(join(dir, 'masks', `${entry.stem}.png`)),
  ]);
  if (mask.width !== image.width || mask.height !== image.height) {
    throw new TrainingInputError(`mask of '${entry.stem}' is not the image's size`, 'masks');
  }
  const labels = mask.data instanceof Uint16Array ? mask.data : Uint16Array.from(mask.data);
  return { entry, image, labels };
}

/** Median equivalent diameter (2·√(area/π)) of the labelled objects; 0 without any. */
export function medianDiameter(labels: ArrayLike<number>): number {
  const areas = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l !== 0) areas.set(l, (areas.get(l) ?? 0) + 1);
  }
  const d = [...areas.values()].map((a) => 2 * Math.sqrt(a / Math.PI)).sort((a, b) => a - b);
  if (d.length === 0) return 0;
  const mid = d.length >> 1;
  return d.length % 2 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
}

/**
 * The fixed split: within each size group, images ordered by the SHA-256 of their stem; every 5th is validation
 * (20 %), and every 10th of the rest is for tuning. Stratified by group and independent of file order — but not
 * stable when images are added: a new stem shifts the rank of those after it (3 stems added to 300 move 78 images,
 * 30 of them out of validation). split.csv, once written, is the split; grow a set with its own rows appended.
 */
export function assignSplit(rows: { stem: string; group: SizeGroup }[]): Map<string, Split> {
  const out = new Map<string, Split>();
  for (const group of SIZE_GROUPS) {
    const ordered = rows
      .filter((r) => r.group === group)
      .map((r) => ({ stem: r.stem, key: createHash('sha256').update(r.stem).digest('hex') }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let rest = 0;
    ordered.forEach((r, i) => {
      if (i % 5 === 2) out.set(r.stem, 'validation');
      else out.set(r.stem, rest++ % 10 === 5 ? 'tune' : 'train');
    });
  }
  return out;
}
