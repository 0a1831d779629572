import { deflateSync } from 'node:zlib';

/** A TIFF directory entry as written: tag, field type (3 SHORT, 4 LONG, 2 ASCII, 7 UNDEFINED) and its values. */
export interface TiffEntry {
  tag: number;
  type: 2 | 3 | 4 | 7;
  values: number[];
}

export interface TiffSpec {
  width: number;
  height: number;
  /** Grey samples, 8 or 16 bits (by the array type). */
  data: Uint8Array | Uint16Array;
  byteOrder?: 'II' | 'MM';
  /** Strips of this many rows (default 8); ignored with `tile`. */
  rowsPerStrip?: number;
  /** Square tiles of this side (a multiple of 16) instead of strips. */
  tile?: number;
  /** 1 (none, default) or 8 (deflate). */
  compression?: 1 | 8;
  /** Further entries (e.g. an unknown private tag, as ImageJ writes). */
  extra?: TiffEntry[];
}

const TYPE_SIZE = { 2: 1, 3: 2, 4: 4, 7: 1 } as const;

/**
 * A classic TIFF with its directory FIRST (header, IFD, value arrays, then the pixel data), as many instruments and
 * ImageJ write it: cutting such a file short keeps a directory that promises data the file no longer holds.
 */
export function writeTiff(spec: TiffSpec): Buffer {
  const { width, height, data } = spec;
  const le = (spec.byteOrder ?? 'II') === 'II';
  const bits = data instanceof Uint16Array ? 16 : 8;
  const bytesPerSample = bits / 8;
  const sample = (x: number, y: number) => (x < width && y < height ? data[y * width + x]! : 0);
  const encodeRows = (x0: number, y0: number, w: number, h: number) => {
    const out = Buffer.alloc(w * h * bytesPerSample);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = sample(x0 + x, y0 + y);
        const at = (y * w + x) * bytesPerSample;
        if (bits === 8) out[at] = v;
        else if (le) out.writeUInt16LE(v, at);
        else out.writeUInt16BE(v, at);
      }
    return spec.compression === 8 ? deflateSync(out) : out;
  };
  const segments: Buffer[] = [];
  if (spec.tile) {
    for (let ty = 0; ty < height; ty += spec.tile)
      for (let tx = 0; tx < width; tx += spec.tile) segments.push(encodeRows(tx, ty, spec.tile, spec.tile));
  } else {
    const rows = spec.rowsPerStrip ?? 8;
    for (let y = 0; y < height; y += rows) segments.push(encodeRows(0, y, width, Math.min(rows, height - y)));
  }
  const layout: TiffEntry[] = spec.tile
    ? [
        { tag: 322, type: 3, values: [spec.tile] },
        { tag: 323, type: 3, values: [spec.tile] },
        { tag: 324, type: 4, values: segments.map(() => 0) },
        { tag: 325, type: 4, values: segments.map((s) => s.length) },
      ]
    : [
        { tag: 273, type: 4, values: segments.map(() => 0) },
        { tag: 278, type: 3, values: [spec.rowsPerStrip ?? 8] },
        { tag: 279, type: 4, values: segments.map((s) => s.length) },
      ];
  const entries = [
    { tag: 256, type: 3, values: [width] },
    { tag: 257, type: 3, values: [height] },
    { tag: 258, type: 3, values: [bits] },
    { tag: 259, type: 3, values: [spec.compression ?? 1] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    ...layout,
    ...(spec.extra ?? []),
  ].sort((a, b) => a.tag - b.tag) as TiffEntry[];

  const ifdSize = 2 + entries.length * 12 + 4;
  let cursor = 8 + ifdSize;
  const arrays = new Map<TiffEntry, number>();
  for (const e of entries) {
    const size = e.values.length * TYPE_SIZE[e.type];
    if (size > 4) {
      arrays.set(e, cursor);
      cursor += size + (size % 2);
    }
  }
  const dataStart = cursor;
  const offsets: number[] = [];
  for (const s of segments) {
    offsets.push(cursor);
    cursor += s.length;
  }
  const offsetTag = spec.tile ? 324 : 273;
  entries.find((e) => e.tag === offsetTag)!.values = offsets;

  const out = Buffer.alloc(cursor);
  const u16 = (v: number, at: number) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (le ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at));
  const put = (e: TiffEntry, at: number) =>
    e.values.forEach((v, i) => {
      const where = at + i * TYPE_SIZE[e.type];
      if (e.type === 3) u16(v, where);
      else if (e.type === 4) u32(v, where);
      else out[where] = v;
    });
  out.write(le ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(entries.length, 8);
  entries.forEach((e, i) => {
    const at = 10 + i * 12;
    u16(e.tag, at);
    u16(e.type, at + 2);
    u32(e.values.length, at + 4);
    const array = arrays.get(e);
    if (array === undefined) put(e, at + 8);
    else {
      u32(array, at + 8);
      put(e, array);
    }
  });
  u32(0, 10 + entries.length * 12);
  segments.forEach((s, i) => {
    s.copy(out, offsets[i]!);
  });
  void dataStart;
  return out;
}
