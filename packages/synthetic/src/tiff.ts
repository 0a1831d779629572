import sharp from 'sharp';
import type { BitDepth, Pixels } from './field.js';

export type TiffCompression = 'none' | 'lzw' | 'deflate';

/** Encodes one single-channel image as a greyscale TIFF of its own bit depth. */
export function encodeTiff(
  pixels: Pixels,
  width: number,
  height: number,
  bitDepth: BitDepth,
  compression: TiffCompression = 'lzw',
): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace(bitDepth === 16 ? 'grey16' : 'b-w')
    .tiff({ compression, ...(compression === 'none' ? {} : { predictor: 'horizontal' as const }) })
    .toBuffer();
}

/** Encodes an instance label image (0 background, objects 1..N) as a 16-bit greyscale PNG; labels deflate well. */
export function encodeLabels(labels: Uint16Array, width: number, height: number): Promise<Buffer> {
  return sharp(labels, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .png({ compressionLevel: 1 })
    .toBuffer();
}
