import { createRandom, NORMAL_TABLE, NORMAL_TABLE_MASK } from './random.js';

function gaussianKernel(sigma: number): Float32Array {
  // ±2.5 σ holds 98.8 % of the weight; the rest is far below the shot noise.
  const radius = Math.max(1, Math.ceil(2.5 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  return kernel;
}

/** A pixel rectangle, bounds inclusive. */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Separable Gaussian blur of `image` (zero outside it), evaluated only inside `boxes`: the microscope's
 * point-spread function applied where the signal is, so its cost follows the nuclei rather than the field. Pixels
 * outside every box come out 0; a pixel inside several boxes gets the same value from each.
 */
export function blurBoxes(
  image: Float32Array,
  width: number,
  height: number,
  sigma: number,
  boxes: Iterable<Box>,
): Float32Array {
  const out = new Float32Array(image.length);
  const kernel = gaussianKernel(sigma);
  const taps = kernel.length;
  const radius = (taps - 1) / 2;
  for (const box of boxes) {
    const x0 = Math.max(0, box.x0);
    const x1 = Math.min(width - 1, box.x1);
    const y0 = Math.max(0, box.y0);
    const y1 = Math.min(height - 1, box.y1);
    if (x1 < x0 || y1 < y0) continue;
    const boxWidth = x1 - x0 + 1;
    // Rows y0 − radius … y1 + radius blurred horizontally (a zero-padded copy of each row keeps the inner loop free
    // of bounds checks), then each output row adds `taps` of them, reading memory in order.
    const rows = y1 - y0 + 1 + 2 * radius;
    const horizontal = new Float32Array(rows * boxWidth);
    const padded = new Float32Array(boxWidth + 2 * radius);
    for (let r = 0; r < rows; r++) {
      const y = y0 - radius + r;
      if (y < 0 || y >= height) continue;
      const row = y * width;
      const from = Math.max(0, x0 - radius);
      const to = Math.min(width, x1 + radius + 1);
      padded.fill(0);
      padded.set(image.subarray(row + from, row + to), from - (x0 - radius));
      const target = r * boxWidth;
      for (let x = 0; x < boxWidth; x++) {
        let sum = 0;
        for (let k = 0; k < taps; k++) sum += kernel[k]! * padded[x + k]!;
        horizontal[target + x] = sum;
      }
    }
    for (let y = y0; y <= y1; y++) {
      const row = y * width + x0;
      out.fill(0, row, row + boxWidth);
      for (let k = 0; k < taps; k++) {
        const w = kernel[k]!;
        const source = (y - y0 + k) * boxWidth;
        for (let x = 0; x < boxWidth; x++) out[row + x] = out[row + x]! + w * horizontal[source + x]!;
      }
    }
  }
  return out;
}

/** Separable Gaussian blur in place, edges replicated (the grain of the texture tile). */
function gaussianBlur(image: Float32Array, width: number, height: number, sigma: number): void {
  const kernel = gaussianKernel(sigma);
  const taps = kernel.length;
  const radius = (taps - 1) / 2;
  const padded = new Float32Array(width + 2 * radius);
  const horizontal = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    padded.set(image.subarray(row, row + width), radius);
    padded.fill(image[row]!, 0, radius);
    padded.fill(image[row + width - 1]!, width + radius);
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < taps; k++) sum += kernel[k]! * padded[x + k]!;
      horizontal[row + x] = sum;
    }
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    image.fill(0, row, row + width);
    for (let k = 0; k < taps; k++) {
      const w = kernel[k]!;
      const source = Math.min(Math.max(y + k - radius, 0), height - 1) * width;
      for (let x = 0; x < width; x++) image[row + x] = image[row + x]! + w * horizontal[source + x]!;
    }
  }
}

/** Side of the square texture tile; a power of two so that wrapping is a mask. */
export const TEXTURE_SIZE = 256;
const tiles = new Map<number, Float32Array>();

/**
 * A tile of chromatin-like texture: white noise blurred to a grain of `grain` px (rounded to 0.1 px) and scaled to
 * unit standard deviation, wrapping at its edges. Built once per grain and shared by every field, each nucleus
 * reading it at its own offset, so texture costs almost nothing per field.
 */
export function textureTile(grain: number): Float32Array {
  const key = Math.max(0.1, Math.round(grain * 10) / 10);
  const cached = tiles.get(key);
  if (cached) return cached;
  // Blur a larger, wrapped copy so that the tile's edges match: tile + margins, keep the centre.
  const margin = Math.ceil(3 * key);
  const side = TEXTURE_SIZE + 2 * margin;
  const random = createRandom(0x7e47 + Math.round(key * 10));
  const noise = new Float32Array(TEXTURE_SIZE * TEXTURE_SIZE);
  for (let i = 0; i < noise.length; i++) noise[i] = NORMAL_TABLE[random.uint32() & NORMAL_TABLE_MASK]!;
  const wrapped = new Float32Array(side * side);
  const mask = TEXTURE_SIZE - 1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      wrapped[y * side + x] = noise[((y - margin) & mask) * TEXTURE_SIZE + ((x - margin) & mask)]!;
    }
  }
  gaussianBlur(wrapped, side, side, key);
  const tile = new Float32Array(TEXTURE_SIZE * TEXTURE_SIZE);
  let squares = 0;
  for (let y = 0; y < TEXTURE_SIZE; y++) {
    for (let x = 0; x < TEXTURE_SIZE; x++) {
      const v = wrapped[(y + margin) * side + x + margin]!;
      tile[y * TEXTURE_SIZE + x] = v;
      squares += v * v;
    }
  }
  const gain = 1 / Math.sqrt(squares / tile.length || 1);
  for (let i = 0; i < tile.length; i++) tile[i] = tile[i]! * gain;
  tiles.set(key, tile);
  return tile;
}
