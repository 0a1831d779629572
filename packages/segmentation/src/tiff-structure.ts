/**
 * The structure of a TIFF checked before any pixel is decoded: every directory, every tag's values and every strip
 * or tile must lie inside the file, and the strips or tiles must be as many as the image needs and, uncompressed,
 * hold the bytes their rows need. A file cut short, or with offsets, counts or dimensions that do not add up, is
 * damaged; decoders fill what is missing with zeros and would have it analysed as if whole.
 */

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfiguration: 284,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
} as const;

/** Bytes per value of each TIFF field type (6.0 and BigTIFF); other types are skipped, as the spec asks. */
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};
const NO_COMPRESSION = 1;
/** More directories than any acquisition writes: a chain this long is a loop or garbage. */
const MAX_DIRECTORIES = 100_000;

export class TiffStructureError extends Error {}

interface Reader {
  length: number;
  big: boolean;
  u16(at: number): number;
  u32(at: number): number;
  /** An offset or count of the file's width (4 bytes, 8 in BigTIFF). */
  word(at: number): number;
  /** One value of a numeric type (SHORT, LONG, LONG8), for the tags read here. */
  value(type: number, at: number): number;
}

function reader(bytes: Uint8Array): Reader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49;
  const big = view.getUint16(2, le) === 43;
  const u16 = (at: number) => view.getUint16(at, le);
  const u32 = (at: number) => view.getUint32(at, le);
  const u64 = (at: number) => Number(view.getBigUint64(at, le));
  return {
    length: bytes.byteLength,
    big,
    u16,
    u32,
    word: big ? u64 : u32,
    value: (type, at) => (type === 3 ? u16(at) : type === 16 ? u64(at) : type === 1 ? bytes[at]! : u32(at)),
  };
}

interface Field {
  type: number;
  count: number;
  /** Where the values are: inside the entry, or at the offset it holds. */
  at: number;
}

/** A directory's fields by tag, with every value array checked to lie inside the file. */
function readDirectory(r: Reader, offset: number, index: number): { fields: Map<number, Field>; next: number } {
  const countSize = r.big ? 8 : 2;
  const entrySize = r.big ? 20 : 12;
  const inline = r.big ? 8 : 4;
  const where = `directory ${index} (at byte ${offset})`;
  if (offset < (r.big ? 16 : 8) || offset + countSize > r.length) {
    throw new TiffStructureError(`${where} lies outside the file (${r.length} bytes): cut short or a bad offset`);
  }
  const entries = r.big ? r.word(offset) : r.u16(offset);
  if (entries === 0) throw new TiffStructureError(`${where} has no entries`);
  const end = offset + countSize + entries * entrySize + inline;
  if (end > r.length) {
    throw new TiffStructureError(`${where} needs ${end - offset} bytes, the file ends after ${r.length}: cut short`);
  }
  const fields = new Map<number, Field>();
  for (let i = 0; i < entries; i++) {
    const e = offset + countSize + i * entrySize;
    const tag = r.u16(e);
    const type = r.u16(e + 2);
    const count = r.big ? r.word(e + 4) : r.u32(e + 4);
    const size = TYPE_SIZE[type];
    if (size === undefined) continue;
    const valueAt = e + (r.big ? 12 : 8);
    const bytes = count * size;
    const at = bytes <= inline ? valueAt : r.word(valueAt);
    if (at + bytes > r.length) {
      throw new TiffStructureError(
        `tag ${tag} of ${where}: its ${count} values (bytes ${at}–${at + bytes}) lie past the end of the file (${r.length} bytes)`,
      );
    }
    fields.set(tag, { type, count, at });
  }
  return { fields, next: r.word(end - inline) };
}

function values(r: Reader, field: Field | undefined): number[] {
  if (!field) return [];
  const size = TYPE_SIZE[field.type]!;
  return Array.from({ length: field.count }, (_, i) => r.value(field.type, field.at + i * size));
}

function one(r: Reader, fields: Map<number, Field>, tag: number, fallback?: number): number | undefined {
  const v = values(r, fields.get(tag))[0];
  return v ?? fallback;
}

/** Offsets and byte counts of the image's strips or tiles, and what each must hold uncompressed. */
function checkImageData(r: Reader, fields: Map<number, Field>, where: string): { width: number; height: number } {
  const width = one(r, fields, TAG.width);
  const height = one(r, fields, TAG.height);
  if (!width || !height) throw new TiffStructureError(`${where} gives no image width or height (or zero)`);
  const samples = one(r, fields, TAG.samplesPerPixel, 1)!;
  const bits = values(r, fields.get(TAG.bitsPerSample));
  const bitsOf = (s: number) => bits[s] ?? bits[0] ?? 1;
  const planar = one(r, fields, TAG.planarConfiguration, 1) === 2;
  const planes = planar ? samples : 1;
  const pixelBits = (plane: number) =>
    planar ? bitsOf(plane) : Array.from({ length: samples }, (_, s) => bitsOf(s)).reduce((a, b) => a + b, 0);
  const compressed = one(r, fields, TAG.compression, NO_COMPRESSION) !== NO_COMPRESSION;

  const tiled = fields.has(TAG.tileOffsets) || fields.has(TAG.tileWidth);
  const kind = tiled ? 'tile' : 'strip';
  const offsets = values(r, fields.get(tiled ? TAG.tileOffsets : TAG.stripOffsets));
  const counts = values(r, fields.get(tiled ? TAG.tileByteCounts : TAG.stripByteCounts));
  let perPlane: number;
  let need: (segment: number, plane: number) => number;
  if (tiled) {
    const tw = one(r, fields, TAG.tileWidth) ?? 0;
    const tl = one(r, fields, TAG.tileLength) ?? 0;
    if (tw === 0 || tl === 0) throw new TiffStructureError(`${where} is tiled but gives no tile width or length`);
    perPlane = Math.ceil(width / tw) * Math.ceil(height / tl);
    need = (_segment, plane) => tl * Math.ceil((tw * pixelBits(plane)) / 8);
  } else {
    const rows = Math.min(one(r, fields, TAG.rowsPerStrip, height)!, height);
    if (rows === 0) throw new TiffStructureError(`${where} has RowsPerStrip 0`);
    perPlane = Math.ceil(height / rows);
    need = (segment, plane) => Math.min(rows, height - segment * rows) * Math.ceil((width * pixelBits(plane)) / 8);
  }
  const expected = perPlane * planes;
  if (offsets.length === 0) throw new TiffStructureError(`${where} has no ${kind} offsets`);
  if (counts.length === 0) throw new TiffStructureError(`${where} has no ${kind} byte counts`);
  if (offsets.length !== expected || counts.length !== expected) {
    throw new TiffStructureError(
      `${where}: a ${width}×${height} image needs ${expected} ${kind}s, the file lists ${offsets.length} offsets and ${counts.length} byte counts`,
    );
  }
  for (let i = 0; i < expected; i++) {
    const start = offsets[i]!;
    const size = counts[i]!;
    if (size === 0) throw new TiffStructureError(`${kind} ${i} of ${where} is empty (0 bytes)`);
    if (start < (r.big ? 16 : 8)) throw new TiffStructureError(`${kind} ${i} of ${where} starts at byte ${start}`);
    if (start + size > r.length) {
      throw new TiffStructureError(
        `${kind} ${i} of ${where} (bytes ${start}–${start + size}) lies past the end of the file (${r.length} bytes): cut short or a bad offset`,
      );
    }
    const needed = compressed ? 0 : need(i % perPlane, Math.floor(i / perPlane));
    if (size < needed) {
      throw new TiffStructureError(
        `${kind} ${i} of ${where} holds ${size} bytes, its pixels need ${needed} (uncompressed): byte counts or dimensions do not add up`,
      );
    }
  }
  return { width, height };
}

/** Checks a TIFF (classic or BigTIFF, either byte order: its signature was checked); throws TiffStructureError. */
export function checkTiffStructure(bytes: Uint8Array): { pages: number } {
  if (bytes.byteLength < 8) throw new TiffStructureError(`the header needs 8 bytes, the file has ${bytes.byteLength}`);
  const r = reader(bytes);
  if (r.big && (bytes.byteLength < 16 || r.u16(4) !== 8)) throw new TiffStructureError('a malformed BigTIFF header');
  const seen = new Set<number>();
  let offset = r.word(r.big ? 8 : 4);
  if (offset === 0) throw new TiffStructureError('the file holds no image directory');
  while (offset !== 0) {
    if (seen.has(offset)) throw new TiffStructureError(`the directory chain loops back to byte ${offset}`);
    if (seen.size === MAX_DIRECTORIES) throw new TiffStructureError(`more than ${MAX_DIRECTORIES} directories`);
    const where = `directory ${seen.size} (at byte ${offset})`;
    seen.add(offset);
    const { fields, next } = readDirectory(r, offset, seen.size - 1);
    checkImageData(r, fields, where);
    offset = next;
  }
  return { pages: seen.size };
}
