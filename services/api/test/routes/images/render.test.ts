import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import t from 'tap';
import { contrastStretchedPng, maskOverlayPng, objectsCsv } from '../../../src/routes/images/render.js';

const grey16Png = (px: Uint16Array, width: number, height: number) =>
  sharp(px, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toBuffer();

t.test('a dim 16-bit field is stretched to the full 8-bit range', async (t) => {
  // A ramp in 1000..1199: a sliver of 16 bits that would look black on screen.
  const px = new Uint16Array(200 * 10).map((_, i) => 1000 + (i % 200));
  const png = await contrastStretchedPng(await grey16Png(px, 200, 10));
  t.equal((await sharp(png).metadata()).channels, 1, 'grey PNG');
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  t.equal(info.width, 200);
  t.equal(Math.min(...data), 0);
  t.equal(Math.max(...data), 255);
  t.ok(data[100]! > 100 && data[100]! < 155, 'mid-ramp lands mid-grey');
});

t.test('an 8-bit image and a flat image are handled', async (t) => {
  const eight = await sharp(Buffer.alloc(64, 7), { raw: { width: 8, height: 8, channels: 1 } })
    .png()
    .toBuffer();
  const { data } = await sharp(await contrastStretchedPng(eight))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  t.equal(data.length, 64, 'a flat image does not divide by zero');
});

t.test('the mask overlay tints objects, outlines them opaque and leaves background transparent', async (t) => {
  const labels = new Uint16Array(10 * 10);
  for (let y = 2; y < 7; y++) for (let x = 2; x < 7; x++) labels[y * 10 + x] = 1;
  const png = await maskOverlayPng(await grey16Png(labels, 10, 10));
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  t.equal(info.channels, 4);
  const alpha = (x: number, y: number) => data[(y * 10 + x) * 4 + 3];
  t.equal(alpha(0, 0), 0, 'background');
  t.equal(alpha(2, 2), 255, 'outline');
  t.ok(alpha(4, 4)! > 0 && alpha(4, 4)! < 255, 'interior tinted');
});

t.test('the per-object JSON Lines become CSV', async (t) => {
  const jsonl = '{"ObjectNumber":1,"AreaShape_Area":50}\n{"ObjectNumber":2,"AreaShape_Area":61.5}\n';
  t.equal(objectsCsv(gzipSync(jsonl)), 'ObjectNumber,AreaShape_Area\n1,50\n2,61.5\n');
});
