import * as zlib from 'node:zlib';

/**
 * The structure of a PNG checked before its pixels are decoded: every chunk lies inside the file and passes its
 * CRC, IHDR comes first and is well-formed, image data is there and the file ends with IEND. A PNG cut short or
 * corrupted in transfer is damaged, and says so here with the chunk and the byte where it is.
 */

export class PngStructureError extends Error {}

/** Valid bit depths per colour type (PNG spec, table 11.1). */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const MAX_DIMENSION = 2 ** 31 - 1;

let table: Uint32Array | undefined;

/** CRC-32 of the PNG spec (zlib's); node:zlib has it natively from Node 20.15. */
function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(bytes);
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const isLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

function checkHeader(data: Uint8Array): void {
  if (data.byteLength !== 13) throw new PngStructureError(`IHDR holds ${data.byteLength} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colour, compression, filter, interlace] = [data[8]!, data[9]!, data[10]!, data[11]!, data[12]!];
  if (width === 0 || height === 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new PngStructureError(`IHDR gives ${width}×${height} pixels`);
  }
  if (!DEPTHS[colour]?.includes(depth))
    throw new PngStructureError(`IHDR: bit depth ${depth} with colour type ${colour}`);
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw new PngStructureError(`IHDR: compression ${compression}, filter ${filter}, interlace ${interlace}`);
  }
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: first column and row, column and row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/**
 * Why a structurally sound PNG would not decode, when its image data is the reason: it does not inflate, or it
 * inflates to another size than IHDR's dimensions need. Undefined when the data is as IHDR says (the reason lies
 * elsewhere). Only called once the decoder has failed, so good files are inflated once.
 */
export function pngDataProblem(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data: Uint8Array[] = [];
  let header: Uint8Array | undefined;
  for (let at = 8; at + 12 <= bytes.byteLength; at += 12 + view.getUint32(at)) {
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + view.getUint32(at));
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
  }
  if (header?.byteLength !== 13) return undefined;
  const h = new DataView(header.buffer, header.byteOffset, 13);
  const [width, height, depth, colour, interlace] = [
    h.getUint32(0),
    h.getUint32(4),
    header[8]!,
    header[9]!,
    header[12]!,
  ];
  const bitsPerPixel = (CHANNELS[colour] ?? 1) * depth;
  const rows = (w: number, rowCount: number) =>
    w > 0 && rowCount > 0 ? rowCount * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0;
  const expected =
    interlace === 1
      ? ADAM7.reduce(
          (sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)),
          0,
        )
      : rows(width, height);
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.concat(data), { maxOutputLength: expected + 1 });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      return `the image data holds more than the ${expected} bytes a ${width}×${height} image of this type needs: dimensions and data do not agree`;
    }
    return `the image data does not decompress (${(err as Error).message}): corrupt`;
  }
  if (inflated.length !== expected) {
    return `the image data holds ${inflated.length} bytes, a ${width}×${height} image of this type needs ${expected}: dimensions and data do not agree`;
  }
  return undefined;
}

/** Checks a PNG's chunks; throws PngStructureError with the reason. */
export function checkPngStructure(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let chunks = 0;
  let imageData = 0;
  for (;;) {
    if (at + 12 > bytes.byteLength) {
      throw new PngStructureError(`the file ends at byte ${bytes.byteLength} before its IEND chunk: cut short`);
    }
    const length = view.getUint32(at);
    const typeBytes = bytes.subarray(at + 4, at + 8);
    if (!typeBytes.every(isLetter)) throw new PngStructureError(`no chunk type at byte ${at + 4}: corrupt`);
    const type = String.fromCharCode(...typeBytes);
    const end = at + 12 + length;
    if (length > 2 ** 31 - 1 || end > bytes.byteLength) {
      throw new PngStructureError(
        `chunk ${type} at byte ${at} needs ${12 + length} bytes, the file ends after ${bytes.byteLength - at}: cut short`,
      );
    }
    const stored = view.getUint32(end - 4);
    const computed = crc32(bytes.subarray(at + 4, end - 4));
    if (stored !== computed) throw new PngStructureError(`chunk ${type} at byte ${at} fails its CRC check: corrupt`);
    if (chunks === 0 && type !== 'IHDR') throw new PngStructureError(`the first chunk is ${type}, not IHDR`);
    if (type === 'IHDR') {
      if (chunks > 0) throw new PngStructureError('a second IHDR chunk');
      checkHeader(bytes.subarray(at + 8, at + 8 + length));
    }
    if (type === 'IDAT') imageData++;
    chunks++;
    at = end;
    if (type === 'IEND') break;
  }
  if (imageData === 0) throw new PngStructureError('no IDAT chunk: the file holds no image data');
}
