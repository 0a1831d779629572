import t from 'tap';
import { readItems } from '../../src/map/item-reader.js';
import { createMemoryObjects } from '../helpers/memory-objects.js';
import { statesErrorOf } from '../helpers/states-error.js';

const scope = { input: { prefix: 'images/' }, context: {} };

t.test('s3:listObjectsV2 pages past 1,000 keys and shapes items as Step Functions does', async (t) => {
  const objects = createMemoryObjects('photos');
  for (let i = 0; i < 1203; i++) await objects.put(`images/${String(i).padStart(5, '0')}.jpg`, `img${i}`);
  await objects.put('other/skip.txt', 'x');
  const items = (await readItems(
    { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'photos', 'Prefix.$': '$.prefix' } },
    objects,
    scope,
  )) as { Key: string; Etag: string }[];
  t.equal(items.length, 1203);
  const { Etag, ...rest } = items[0]!;
  t.match(Etag, /^"[0-9a-f]{32}"$/);
  t.same(rest, {
    Key: 'images/00000.jpg',
    LastModified: Date.parse('2026-01-01T00:00:00Z') / 1000,
    Size: 4,
    StorageClass: 'STANDARD',
  });
  t.equal(items[1202]!.Key, 'images/01202.jpg');
});

t.test('MaxItems limits, CSV with GIVEN headers and a custom delimiter, JSONL', async (t) => {
  const objects = createMemoryObjects('data');
  await objects.put('rows.csv', 'a|"b|c"\n1|2\n3|4\n');
  const rows = await readItems(
    {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: {
        InputType: 'CSV',
        CSVHeaderLocation: 'GIVEN',
        CSVHeaders: ['x', 'y'],
        CSVDelimiter: 'PIPE',
        MaxItems: 2,
      },
      Parameters: { Bucket: 'data', Key: 'rows.csv' },
    },
    objects,
    scope,
  );
  t.same(rows, [
    { x: 'a', y: 'b|c' },
    { x: '1', y: '2' },
  ]);
  await objects.put('lines.jsonl', '{"n":1}\n\n{"n":2}\r\n');
  const lines = await readItems(
    {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSONL' },
      Parameters: { Bucket: 'data', Key: 'lines.jsonl' },
    },
    objects,
    scope,
  );
  t.same(lines, [{ n: 1 }, { n: 2 }]);
});

t.test('a missing object or a non-array JSON file fails with States.ItemReaderFailed', async (t) => {
  const objects = createMemoryObjects('data');
  await objects.put('obj.json', '{"not":"an array"}');
  const reader = (Key: string) => ({
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: { InputType: 'JSON' as const },
    Parameters: { Bucket: 'data', Key },
  });
  t.equal(await statesErrorOf(() => readItems(reader('missing.json'), objects, scope)), 'States.ItemReaderFailed');
  t.equal(await statesErrorOf(() => readItems(reader('obj.json'), objects, scope)), 'States.ItemReaderFailed');
});
