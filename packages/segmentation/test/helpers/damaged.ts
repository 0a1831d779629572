import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { discField, grid } from './images.js';
import { writeTiff } from './tiff.js';

/** A damaged file: its name, its bytes, and what the refusal must say about it. */
export interface DamagedImage {
  name: string;
  bytes: Buffer;
  reason: RegExp;
}

export const WIDTH = 64;
export const HEIGHT = 48;

/** A good 16-bit field with 12 nuclei-like discs: what each damaged variant was made from. */
export const goodField = () => discField(WIDTH, HEIGHT, grid(12, WIDTH, 4));

const cut = (bytes: Buffer, fraction: number) => Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));

/** The value field of one entry of the first directory of a little-endian TIFF written by writeTiff. */
function entryAt(tiff: Buffer, tag: number): number {
  const entries = tiff.readUInt16LE(8);
  for (let i = 0; i < entries; i++) if (tiff.readUInt16LE(10 + i * 12) === tag) return 10 + i * 12;
  throw new Error(`no tag ${tag}`);
}

/** A copy with one directory entry changed: `set(entryOffset, copy)` writes into it. */
function withEntry(tiff: Buffer, tag: number, set: (entry: number, copy: Buffer) => void): Buffer {
  const copy = Buffer.from(tiff);
  set(entryAt(copy, tag), copy);
  return copy;
}

/** A copy with the i-th value of an array tag (offsets, byte counts; stored out of line) replaced. */
function withArrayValue(tiff: Buffer, tag: number, index: number, value: number): Buffer {
  return withEntry(tiff, tag, (entry, copy) => copy.writeUInt32LE(value, copy.readUInt32LE(entry + 8) + index * 4));
}

/** A copy with an inline SHORT tag (width, height) replaced. */
const withShort = (tiff: Buffer, tag: number, value: number) =>
  withEntry(tiff, tag, (entry, copy) => copy.writeUInt16LE(value, entry + 8));

interface Chunk {
  at: number;
  type: string;
  data: Buffer;
}

function chunksOf(png: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({ at, type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** A chunk as bytes; `crc` overrides the correct CRC (to corrupt it). */
function chunk(type: string, data: Buffer, crc?: number): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc ?? crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG rebuilt from its chunks, each possibly replaced (null drops it). */
function rebuild(png: Buffer, edit: (c: Chunk) => Buffer | Buffer[] | null): Buffer {
  const parts = chunksOf(png).flatMap((c) => edit(c) ?? []);
  return Buffer.concat([png.subarray(0, 8), ...parts]);
}

/** IHDR with its width, height or bit depth changed and a correct CRC: the chunk is sound, the numbers are not. */
function withHeader(png: Buffer, change: (ihdr: Buffer) => void): Buffer {
  return rebuild(png, (c) => {
    if (c.type !== 'IHDR') return chunk(c.type, c.data);
    const data = Buffer.from(c.data);
    change(data);
    return chunk('IHDR', data);
  });
}

/** Flips bytes in the middle of the first chunk of a type, keeping (CRC mismatch) or refreshing its CRC. */
function flipIn(png: Buffer, type: string, fixCrc: boolean): Buffer {
  let done = false;
  return rebuild(png, (c) => {
    if (c.type !== type || done) return chunk(c.type, c.data);
    done = true;
    const data = Buffer.from(c.data);
    for (let i = Math.floor(data.length / 3); i < Math.floor(data.length / 3) + 8 && i < data.length; i++) {
      data[i] = data[i]! ^ 0x5a;
    }
    return fixCrc ? chunk(type, data) : chunk(type, data, crc32(Buffer.concat([Buffer.from(type), c.data])));
  });
}

/** Overwrites the compressed pixel data of a TIFF written by sharp: between the header and its directory (last). */
function scramble(tiff: Buffer): Buffer {
  const copy = Buffer.from(tiff);
  for (let i = 16; i < tiff.readUInt32LE(4) - 16; i++) copy[i] = (copy[i]! * 7 + 13) & 0xff;
  return copy;
}

/**
 * At least 30 damaged variants of one good field (TIFF with its directory first or last, tiled, compressed, either
 * byte order; PNG): truncations at several points, bad offsets, byte counts that do not add up, wrong dimensions,
 * zero bytes, wrong magic, CRC errors and corrupt compressed data. Each must fail its item with ImageDecodeError.
 */
export async function damagedImages(): Promise<DamagedImage[]> {
  const field = goodField();
  const tiff = writeTiff({ width: WIDTH, height: HEIGHT, data: field });
  const bigEndian = writeTiff({ width: WIDTH, height: HEIGHT, data: field, byteOrder: 'MM' });
  const tiled = writeTiff({ width: WIDTH, height: HEIGHT, data: field, tile: 16 });
  const deflated = writeTiff({ width: WIDTH, height: HEIGHT, data: field, compression: 8 });
  const raw = sharp(Buffer.from(field.buffer), { raw: { width: WIDTH, height: HEIGHT, channels: 1 } }).toColourspace(
    'grey16',
  );
  const [lzw, zip, packbits, directoryLast, png] = await Promise.all([
    raw.clone().tiff({ compression: 'lzw' }).toBuffer(),
    raw.clone().tiff({ compression: 'deflate' }).toBuffer(),
    raw.clone().tiff({ compression: 'packbits' }).toBuffer(),
    raw.clone().tiff({ compression: 'none' }).toBuffer(),
    raw.clone().png().toBuffer(),
  ]);
  const strips = tiff.readUInt32LE(entryAt(tiff, 273) + 4);
  const past = tiff.length + 16;
  const text = chunk('tEXt', Buffer.from('Comment\0damaged in transfer'), 0x12345678);
  return [
    { name: 'empty.tif', bytes: Buffer.alloc(0), reason: /empty file \(0 bytes\)/ },
    {
      name: 'gif-magic.tif',
      bytes: Buffer.concat([Buffer.from('GIF8'), tiff.subarray(4)]),
      reason: /not a TIFF or PNG/,
    },
    { name: 'json.tif', bytes: Buffer.from('{"error":"not an image"}'), reason: /not a TIFF or PNG/ },
    {
      name: 'version-41.tif',
      bytes: withShortAt(tiff, 2, 41),
      reason: /not a TIFF or PNG file \(it starts with 49 49 29 00/,
    },
    { name: 'header-only.tif', bytes: cut(tiff, 8 / tiff.length), reason: /directory 0 .*lies outside the file/ },
    { name: 'cut-in-directory.tif', bytes: cut(tiff, 30 / tiff.length), reason: /the file ends after 30: cut short/ },
    ...[0.25, 0.5, 0.75, 0.95].map((f) => ({
      name: `cut-at-${f * 100}pct.tif`,
      bytes: cut(tiff, f),
      reason: /strip \d+ of directory 0 .* lies past the end of the file/,
    })),
    { name: 'cut-1-byte.tif', bytes: cut(tiff, (tiff.length - 1) / tiff.length), reason: /strip 5 .* past the end/ },
    { name: 'cut-big-endian.tif', bytes: cut(bigEndian, 0.6), reason: /strip \d+ .* past the end of the file/ },
    { name: 'directory-past-end.tif', bytes: withU32At(tiff, 4, past), reason: /directory 0 .*outside the file/ },
    { name: 'no-directory.tif', bytes: withU32At(tiff, 4, 0), reason: /no image directory/ },
    { name: 'directory-loop.tif', bytes: withNextDirectory(tiff, 8), reason: /chain loops back to byte 8/ },
    { name: 'strip-past-end.tif', bytes: withArrayValue(tiff, 273, 2, past), reason: /strip 2 .* past the end/ },
    { name: 'strip-at-zero.tif', bytes: withArrayValue(tiff, 273, 0, 0), reason: /strip 0 .* starts at byte 0/ },
    {
      name: 'strip-count-short.tif',
      bytes: withArrayValue(tiff, 279, 1, WIDTH * 2 * 4),
      reason: /strip 1 .* holds 512 bytes, its pixels need 1024/,
    },
    { name: 'strip-count-zero.tif', bytes: withArrayValue(tiff, 279, 3, 0), reason: /strip 3 .* is empty/ },
    { name: 'strip-count-huge.tif', bytes: withArrayValue(tiff, 279, 5, 1e6), reason: /strip 5 .* past the end/ },
    {
      name: 'no-strip-offsets.tif',
      bytes: withEntry(tiff, 273, (entry, copy) => copy.writeUInt16LE(65001, entry)),
      reason: /has no strip offsets/,
    },
    {
      name: 'too-few-strips.tif',
      bytes: withEntry(tiff, 273, (entry, copy) => copy.writeUInt32LE(strips - 1, entry + 4)),
      reason: new RegExp(`needs ${strips} strips, the file lists ${strips - 1} offsets`),
    },
    {
      name: 'wider.tif',
      bytes: withShort(tiff, 256, WIDTH * 2),
      reason: /strip 0 .* holds 1024 bytes, its pixels need 2048/,
    },
    { name: 'taller.tif', bytes: withShort(tiff, 257, HEIGHT * 2), reason: /64×96 image needs 12 strips/ },
    { name: 'zero-width.tif', bytes: withShort(tiff, 256, 0), reason: /no image width or height/ },
    {
      name: 'tag-values-past-end.tif',
      bytes: withEntry(tiff, 279, (entry, copy) => copy.writeUInt32LE(past, entry + 8)),
      reason: /tag 279 .* lie past the end of the file/,
    },
    { name: 'tiled-cut.tif', bytes: cut(tiled, 0.7), reason: /tile \d+ of directory 0 .* past the end/ },
    { name: 'tiled-count-short.tif', bytes: withArrayValue(tiled, 325, 0, 10), reason: /tile 0 .* holds 10 bytes/ },
    { name: 'deflate-cut.tif', bytes: cut(deflated, 0.8), reason: /strip \d+ .* past the end/ },
    ...Object.entries({ lzw, deflate: zip, packbits }).map(([compression, bytes]) => ({
      name: `${compression}-corrupt.tif`,
      bytes: scramble(bytes),
      reason: /corrupt image data \(decoder: /,
    })),
    { name: 'directory-last-cut.tif', bytes: cut(directoryLast, 0.5), reason: /directory 0 .*outside the file/ },
    { name: 'empty.png', bytes: Buffer.alloc(0), reason: /empty file/ },
    { name: 'wrong-magic.png', bytes: withByte(png, 0, 0x88), reason: /not a TIFF or PNG/ },
    { name: 'cut-at-50pct.png', bytes: cut(png, 0.5), reason: /chunk IDAT at byte \d+ needs .*cut short/ },
    { name: 'cut-before-iend.png', bytes: cut(png, (png.length - 12) / png.length), reason: /before its IEND/ },
    {
      name: 'cut-in-header.png',
      bytes: cut(png, 20 / png.length),
      reason: /chunk IHDR at byte 8 needs 25 bytes, the file ends after 12: cut short/,
    },
    { name: 'ihdr-crc.png', bytes: flipIn(png, 'IHDR', false), reason: /chunk IHDR at byte 8 fails its CRC/ },
    { name: 'idat-crc.png', bytes: flipIn(png, 'IDAT', false), reason: /chunk IDAT at byte \d+ fails its CRC/ },
    {
      name: 'text-crc.png',
      bytes: rebuild(png, (c) => (c.type === 'IHDR' ? [chunk(c.type, c.data), text] : chunk(c.type, c.data))),
      reason: /chunk tEXt at byte 33 fails its CRC/,
    },
    { name: 'idat-corrupt.png', bytes: flipIn(png, 'IDAT', true), reason: /image data does not decompress/ },
    {
      name: 'wider.png',
      bytes: withHeader(png, (h) => h.writeUInt32BE(WIDTH * 2, 0)),
      reason: /holds 6192 bytes, a 128×48 image of this type needs 12336/,
    },
    {
      name: 'taller.png',
      bytes: withHeader(png, (h) => h.writeUInt32BE(HEIGHT * 2, 4)),
      reason: /a 64×96 image of this type needs 12384/,
    },
    {
      name: 'narrower.png',
      bytes: withHeader(png, (h) => h.writeUInt32BE(WIDTH / 2, 0)),
      reason: /more than the 3120 bytes a 32×48 image/,
    },
    { name: 'bad-depth.png', bytes: withHeader(png, (h) => h.writeUInt8(7, 8)), reason: /bit depth 7/ },
    {
      name: 'no-idat.png',
      bytes: rebuild(png, (c) => (c.type === 'IDAT' ? null : chunk(c.type, c.data))),
      reason: /no IDAT/,
    },
  ];
}

function withByte(bytes: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = value;
  return copy;
}

function withShortAt(bytes: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt16LE(value, at);
  return copy;
}

function withU32At(bytes: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32LE(value, at);
  return copy;
}

/** The next-directory pointer of the first directory set to `offset`. */
function withNextDirectory(tiff: Buffer, offset: number): Buffer {
  return withU32At(tiff, 10 + tiff.readUInt16LE(8) * 12, offset);
}
