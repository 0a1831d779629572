import { gunzipSync } from 'node:zlib';
import { csvRow } from '@platescale/shared';
import { loadSharp } from './sharp.js';

/** Percentiles of the stretch: the darkest and brightest 0.5 % saturate, so a few hot pixels do not flatten it. */
const LOW_PERCENTILE = 0.005;
const HIGH_PERCENTILE = 0.995;

/** Okabe–Ito colours (colour-blind safe), cycled over label ids so touching objects differ. */
const LABEL_COLOURS: [number, number, number][] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
];
const FILL_ALPHA = 70;

async function decodeGrey16(bytes: Buffer): Promise<{ data: Uint16Array; width: number; height: number }> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(bytes)
    .toColourspace('grey16')
    .extractChannel(0)
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return { data: new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2), ...info };
}

/** The value below which `fraction` of the pixels lie, from a full 16-bit histogram (one pass, no sort). */
function percentile(histogram: Uint32Array, total: number, fraction: number): number {
  const target = fraction * total;
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v]!;
    if (seen > target) return v;
  }
  return histogram.length - 1;
}

/**
 * A field channel (8- or 16-bit TIFF/PNG) as an 8-bit grey PNG, linearly stretched between its 0.5th and 99.5th
 * percentiles: raw 16-bit microscopy images use a sliver of the range and look black on a screen.
 */
export async function contrastStretchedPng(bytes: Buffer): Promise<Buffer> {
  const { data, width, height } = await decodeGrey16(bytes);
  const histogram = new Uint32Array(65536);
  for (let i = 0; i < data.length; i++) histogram[data[i]!]!++;
  const low = percentile(histogram, data.length, LOW_PERCENTILE);
  const high = Math.max(low + 1, percentile(histogram, data.length, HIGH_PERCENTILE));
  const scale = 255 / (high - low);
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = Math.max(0, Math.min(255, (data[i]! - low) * scale));
  }
  const sharp = await loadSharp();
  // One grey channel in, one out: sharp would otherwise widen it to sRGB.
  return sharp(out, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/**
 * The label mask (16-bit PNG, 0 = background) as a transparent RGBA overlay: each object tinted, its outline
 * opaque, so the cells stay visible under it.
 */
export async function maskOverlayPng(maskPng: Buffer): Promise<Buffer> {
  const { data: labels, width, height } = await decodeGrey16(maskPng);
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const label = labels[i]!;
      if (label === 0) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        labels[i - 1] !== label ||
        labels[i + 1] !== label ||
        labels[i - width] !== label ||
        labels[i + width] !== label;
      const [r, g, b] = LABEL_COLOURS[label % LABEL_COLOURS.length]!;
      out.set([r, g, b, edge ? 255 : FILL_ALPHA], i * 4);
    }
  }
  const sharp = await loadSharp();
  return sharp(out, { raw: { width, height, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** The segmenter's per-object table (gzipped JSON Lines) as CSV; columns in first-seen order. */
export function objectsCsv(jsonlGz: Buffer): string {
  const rows = gunzipSync(jsonlGz)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [csvRow(columns), ...rows.map((r) => csvRow(columns.map((c) => r[c])))];
  return `${lines.join('\n')}\n`;
}
