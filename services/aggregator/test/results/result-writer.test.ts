import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemObjectStore } from '@platescale/adapters';
import type { ImageResult } from '@platescale/shared';
import t from 'tap';
import { readMapResults } from '../../src/results/result-writer.js';
import { writeMapOutput } from '../helpers/map-output.js';

const ok = (well: string, field: number, count: number): ImageResult => ({
  plate: 'P',
  well,
  field,
  ok: true,
  count,
  meanArea: 100,
  medianArea: 90,
  meanIntensity: { DNA: 10 },
  seconds: 0.1,
});
const set = (well: string, field: number) => ({ plate: 'P', well, field, images: { DNA: `i/${well}-${field}.tif` } });

t.test('reads SUCCEEDED and FAILED files in the AWS shape; a failed child fails every item of its batch', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rw-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const objects = createFilesystemObjectStore(dir, 'bucket');
  const details = await writeMapOutput(objects, 'jobs/j/', [
    { items: [set('A01', 0), set('A01', 1)], results: [ok('A01', 0, 5), ok('A01', 1, 7)] },
    { items: [set('B01', 0), set('B01', 1)], error: { Error: 'Lambda.Unknown', Cause: 'out of memory' } },
    // The segmenter answered for one item only: the other is a failure, not a silent gap.
    { items: [set('C01', 0), set('C01', 1)], results: [ok('C01', 0, 3)] },
  ]);
  const { mapRunArn, results } = await readMapResults(objects, details);
  t.equal(mapRunArn, details.mapRunArn);
  t.equal(results.length, 6);
  t.same(
    results.filter((r) => !r.ok).map((r) => [r.well, r.field, r.ok ? '' : r.error.type, r.ok ? '' : r.error.message]),
    [
      ['C01', 1, 'MissingResult', 'the segmenter returned no result for this image set'],
      ['B01', 0, 'Lambda.Unknown', 'out of memory'],
      ['B01', 1, 'Lambda.Unknown', 'out of memory'],
    ],
  );
});

t.test('accepts Input/Output as objects (local form) and rejects malformed files by name', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rw-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const objects = createFilesystemObjectStore(dir, 'bucket');
  await objects.put(
    'm/SUCCEEDED_0.json',
    JSON.stringify([
      { Input: { Items: [set('A01', 0)] }, Output: { results: [ok('A01', 0, 2)] }, Status: 'SUCCEEDED' },
    ]),
  );
  await objects.put('m/manifest.json', JSON.stringify({ ResultFiles: { SUCCEEDED: [{ Key: 'm/SUCCEEDED_0.json' }] } }));
  const { results } = await readMapResults(objects, { Bucket: 'bucket', Key: 'm/manifest.json' });
  t.same(results, [ok('A01', 0, 2)]);

  await objects.put('bad/manifest.json', '{not json');
  await t.rejects(readMapResults(objects, { Bucket: 'bucket', Key: 'bad/manifest.json' }), {
    name: 'ResultWriterFormatError',
  });
  await objects.put('bad2/SUCCEEDED_0.json', JSON.stringify([{ Output: '{}' }]));
  await objects.put(
    'bad2/manifest.json',
    JSON.stringify({ ResultFiles: { SUCCEEDED: [{ Key: 'bad2/SUCCEEDED_0.json' }] } }),
  );
  await t.rejects(readMapResults(objects, { Bucket: 'bucket', Key: 'bad2/manifest.json' }), {
    name: 'ResultWriterFormatError',
    message: /no results array/,
  });
});
