import sharp, { type Metadata } from 'sharp';
import { ImageDecodeError, ImageTooLargeError } from './errors.js';
import { checkPngStructure, PngStructureError, pngDataProblem } from './png-structure.js';
import { checkTiffStructure, TiffStructureError } from './tiff-structure.js';

/** A single-channel image as stored: 8- or 16-bit samples, row-major. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array | Uint16Array;
  /** Largest value the format can hold (255 or 65535): CellProfiler scales intensities by it. */
  maxValue: number;
}

export interface DecodeOptions {
  /** Images with more pixels are refused before decoding (decompression bombs). */
  maxPixels: number;
  /** Page of a multi-page TIFF (0-based). */
  page?: number;
}

const SIXTEEN_BIT_DEPTHS = new Set(['ushort', 'short', 'uint', 'int']);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TIFF_SIGNATURES = [Buffer.from('II*\0', 'latin1'), Buffer.from('MM\0*', 'latin1')];
const BIGTIFF_SIGNATURES = [Buffer.from('II+\0', 'latin1'), Buffer.from('MM\0+', 'latin1')];

const isPng = (bytes: Buffer) => bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE);

/** Why the decoder gave up, in a lab engineer's words where the data itself is the cause. */
function decoderReason(bytes: Buffer, err: unknown): string {
  const problem = isPng(bytes) ? pngDataProblem(bytes) : undefined;
  if (problem) return `damaged PNG: ${problem}`;
  const message = (err as Error).message.split('\n')[0]!;
  return `corrupt image data (decoder: ${message})`;
}

/**
 * Refuses what is not a whole TIFF or PNG before the decoder sees it: empty files, other formats, and files whose
 * structure is damaged (cut short, offsets or byte counts past the end or not adding up, CRC errors).
 */
function checkStructure(file: string, bytes: Buffer): void {
  if (bytes.length === 0) throw new ImageDecodeError(file, 'empty file (0 bytes)');
  const starts = (signature: Buffer) => bytes.subarray(0, signature.length).equals(signature);
  try {
    if (isPng(bytes)) checkPngStructure(bytes);
    else if ([...TIFF_SIGNATURES, ...BIGTIFF_SIGNATURES].some(starts)) checkTiffStructure(bytes);
    else {
      const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new ImageDecodeError(file, `not a TIFF or PNG file (it starts with ${head})`);
    }
  } catch (err) {
    if (err instanceof PngStructureError) throw new ImageDecodeError(file, `damaged PNG: ${err.message}`, err);
    if (err instanceof TiffStructureError) throw new ImageDecodeError(file, `damaged TIFF: ${err.message}`, err);
    throw err;
  }
}

/**
 * Decodes TIFF (grey, RGB, palette; PackBits/LZW/deflate; either byte order) or PNG to one grey channel.
 * Colour and palette images become their brightest band; 16-bit data stays 16-bit (only grey16/rgb16 +
 * ushort raw output keeps it). A damaged file is an ImageDecodeError naming it and what is wrong, never a
 * partly decoded image: the structure is checked first, and any decoder warning (a corrupt compressed strip,
 * data that runs out) fails the decode.
 */
export async function decodeImage(file: string, bytes: Buffer, opts: DecodeOptions): Promise<GreyImage> {
  checkStructure(file, bytes);
  const page = opts.page ?? 0;
  const input = { page, limitInputPixels: opts.maxPixels, failOn: 'warning' } as const;
  let meta: Metadata;
  try {
    // Headers only; the pixel limit is checked below so the error can say by how much.
    const first = await sharp(bytes, { limitInputPixels: false }).metadata();
    const pages = first.pages ?? 1;
    if (page >= pages) throw new ImageDecodeError(file, `page ${page} requested, ${pages} present`);
    meta = page === 0 ? first : await sharp(bytes, { page, limitInputPixels: false }).metadata();
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    throw new ImageDecodeError(file, (err as Error).message, err);
  }
  const { width, height } = meta;
  if (!width || !height) throw new ImageDecodeError(file, 'no image dimensions');
  if (width * height > opts.maxPixels) throw new ImageTooLargeError(file, width * height, opts.maxPixels);

  // Float samples have no format maximum to scale by; converting them to integers would silently flatten them.
  if (meta.depth === 'float' || meta.depth === 'double' || meta.depth === 'complex') {
    throw new ImageDecodeError(file, `${meta.depth} samples are not supported (8- or 16-bit integer images only)`);
  }
  const wide = SIXTEEN_BIT_DEPTHS.has(meta.depth ?? '') || (meta.bitsPerSample ?? 8) > 8;
  const colour = (meta.channels ?? 1) >= 3 || meta.isPalette === true;
  let samples: Uint8Array | Uint16Array;
  let bands: number;
  try {
    const image = sharp(bytes, input);
    const pipeline = colour
      ? image.removeAlpha().toColourspace(wide ? 'rgb16' : 'srgb')
      : image.toColourspace(wide ? 'grey16' : 'b-w').extractChannel(0);
    const { data, info } = await (wide ? pipeline.raw({ depth: 'ushort' }) : pipeline.raw()).toBuffer({
      resolveWithObject: true,
    });
    if (info.width !== width || info.height !== height) throw new Error('decoded size differs from the header');
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    samples = wide
      ? new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.length);
    bands = info.channels;
  } catch (err) {
    throw new ImageDecodeError(file, decoderReason(bytes, err), err);
  }
  return { width, height, data: bands > 1 ? brightestBand(samples, bands) : samples, maxValue: wide ? 65535 : 255 };
}

/**
 * A colour image's intensity: the brightest band per pixel. Fluorescence exported as RGB puts a stain in one
 * band (DAPI in blue); luminance would keep 7 % of its range (0.07 B), the maximum keeps all of it, and grey
 * stored as RGB (R = G = B) is unchanged either way.
 */
function brightestBand<T extends Uint8Array | Uint16Array>(samples: T, bands: number): T {
  const n = samples.length / bands;
  const out = (samples instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n)) as T;
  for (let i = 0, j = 0; i < n; i++, j += bands) {
    let v = samples[j]!;
    for (let b = 1; b < bands; b++) if (samples[j + b]! > v) v = samples[j + b]!;
    out[i] = v;
  }
  return out;
}

/** Scales samples to [0, 1] by the format maximum. */
export function toUnitFloat(image: GreyImage): Float32Array {
  const out = new Float32Array(image.data.length);
  const scale = 1 / image.maxValue;
  const src = image.data;
  for (let i = 0; i < src.length; i++) out[i] = src[i]! * scale;
  return out;
}
