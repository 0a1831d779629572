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
