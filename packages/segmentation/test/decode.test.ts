import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import t from 'tap';
import { decodeImage } from '../src/decode.js';
import { discField, encode } from './helpers/images.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const opts = { maxPixels: 1 << 20 };
const bright = (data: ArrayLike<number>, over: number) => Array.from(data).filter((v) => v > over).length;
const discs = [{ x: 20, y: 20, r: 6 }];

t.test('8- and 16-bit PNG and TIFF, every compression, keep their depth', async (t) => {
  for (const bits of [8, 16] as const) {
    const raw = discField(48, 40, discs, bits);
    for (const [format, compression] of [
      ['png'],
      ['tiff', 'none'],
      ['tiff', 'lzw'],
      ['tiff', 'deflate'],
      ['tiff', 'packbits'],
    ] as const) {
      const img = await decodeImage('x', await encode(raw, 48, 40, format, compression), opts);
      t.match(
        img,
        { width: 48, height: 40, maxValue: bits === 8 ? 255 : 65535 },
        `${bits}-bit ${format} ${compression ?? ''}`,
      );
      t.same(Array.from(img.data), Array.from(raw), `${bits}-bit ${format} ${compression ?? ''} samples`);
    }
  }
});

t.test('palette, big-endian and RGB TIFFs decode to one grey channel', async (t) => {
  const palette = await decodeImage('palette.tif', fixture('palette.tif'), opts);
  t.match(palette, { width: 64, height: 64, maxValue: 255 });
  t.equal(bright(palette.data, 200), 3 * 113, 'palette index 3 maps to grey 230');
  const be = await decodeImage('bigendian-16.tif', fixture('bigendian-16.tif'), opts);
  t.match(be, { maxValue: 65535 });
  t.equal(Math.max(...be.data), Math.round(65535 * 0.8), 'byte order honoured');
  const rgb = await decodeImage('rgb.tif', fixture('rgb.tif'), opts);
  t.equal(bright(rgb.data, 150), 3 * 113);
});

t.test('an RGB image keeps the full range of a stain in one band', async (t) => {
  const w = 16;
  const rgb = new Uint8Array(w * w * 3);
  for (let i = 0; i < w * w; i++) rgb[i * 3 + 2] = i % 2 ? 200 : 10;
  const png = await sharp(rgb, { raw: { width: w, height: w, channels: 3 } })
    .png()
    .toBuffer();
  const img = await decodeImage('blue.png', png, opts);
  t.equal(Math.max(...img.data), 200);
  t.equal(Math.min(...img.data), 10);
});

t.test('multi-page TIFF: the requested page', async (t) => {
  const p0 = await decodeImage('two-pages.tif', fixture('two-pages.tif'), opts);
  const p1 = await decodeImage('two-pages.tif', fixture('two-pages.tif'), { ...opts, page: 1 });
  t.equal(bright(p0.data, 150), 3 * 113);
  t.equal(bright(p1.data, 150), 113);
  await t.rejects(
    decodeImage('two-pages.tif', fixture('two-pages.tif'), { ...opts, page: 2 }),
    /page 2 requested, 2 present/,
  );
});

t.test('corrupt, truncated and oversized images are refused with the file name', async (t) => {
  const png = await encode(discField(48, 40, discs, 16), 48, 40, 'png');
  await t.rejects(decodeImage('a.png', Buffer.from('garbage'), opts), {
    name: 'ImageDecodeError',
    message: /'a\.png'/,
  });
  await t.rejects(decodeImage('b.png', png.subarray(0, png.length - 40), opts), {
    name: 'ImageDecodeError',
    message: /'b\.png'/,
  });
  await t.rejects(decodeImage('float32.tif', fixture('float32.tif'), opts), /float samples are not supported/);
  await t.rejects(decodeImage('c.png', png, { maxPixels: 1000 }), {
    name: 'ImageTooLargeError',
    message: /'c\.png' has 1920 pixels/,
  });
});
