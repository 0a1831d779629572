import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import t from 'tap';
import { decodeImage } from '../src/decode.js';
import { ImageDecodeError } from '../src/errors.js';
import { damagedImages, goodField, HEIGHT, WIDTH } from './helpers/damaged.js';
import { discField, encode } from './helpers/images.js';
import { writeTiff } from './helpers/tiff.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../test/fixtures/example-human', import.meta.url));
const exampleD0 = readFileSync(join(EXAMPLE, 'AS_09125_050116030001_D03f00d0.tif'));
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

t.test('every damaged variant of the corpus is refused: ImageDecodeError naming the file and the reason', async (t) => {
  const corpus = await damagedImages();
  t.ok(corpus.length >= 30, `${corpus.length} variants`);
  t.equal(new Set(corpus.map((d) => d.name)).size, corpus.length, 'named apart');
  for (const { name, bytes, reason } of corpus) {
    const err = await decodeImage(name, bytes, opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(err instanceof ImageDecodeError, `${name}: ImageDecodeError`);
    if (!(err instanceof ImageDecodeError)) continue;
    t.equal(err.file, name);
    t.match(err.message, `cannot decode '${name}': `);
    t.match(err.reason, reason, `${name}: ${err.reason}`);
  }
});

t.test('the layouts the corpus is made from decode whole: nothing good is refused', async (t) => {
  const field = goodField();
  const imagejTag = { tag: 50838, type: 4 as const, values: [1, 2, 3] };
  for (const [what, bytes] of [
    ['directory first, strips', writeTiff({ width: WIDTH, height: HEIGHT, data: field })],
    ['big-endian', writeTiff({ width: WIDTH, height: HEIGHT, data: field, byteOrder: 'MM' })],
    ['tiled', writeTiff({ width: WIDTH, height: HEIGHT, data: field, tile: 16 })],
    ['deflate', writeTiff({ width: WIDTH, height: HEIGHT, data: field, compression: 8 })],
    ['an unknown private tag', writeTiff({ width: WIDTH, height: HEIGHT, data: field, extra: [imagejTag] })],
    ['one strip', writeTiff({ width: WIDTH, height: HEIGHT, data: field, rowsPerStrip: HEIGHT })],
  ] as const) {
    const image = await decodeImage(what, bytes, opts);
    t.same(Array.from(image.data), Array.from(field), what);
  }
  for (const name of readdirSync(EXAMPLE).filter((f) => f.endsWith('.tif'))) {
    t.match(await decodeImage(name, readFileSync(join(EXAMPLE, name)), opts), { width: 512, height: 512 }, name);
  }
});

t.test('a real field cut short with its directory first is refused, not analysed as if whole', async (t) => {
  // The defect as found: the first 120 kB of the 233 kB example TIFF, rewritten with its directory before the data.
  const whole = writeTiff({
    width: 512,
    height: 512,
    data: (await decodeImage('d0', exampleD0, opts)).data,
    rowsPerStrip: 16,
  });
  await t.rejects(decodeImage('D03f00d0-cut.tif', whole.subarray(0, 120_000), opts), {
    name: 'ImageDecodeError',
    message: /'D03f00d0-cut\.tif': damaged TIFF: strip \d+ .* lies past the end of the file \(120000 bytes\)/,
  });
});
