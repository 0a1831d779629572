import t from 'tap';
import { ResultWriter } from '../../src/map/result-writer.js';
import type { ChildRecord } from '../../src/store/types.js';
import { createMemoryObjects } from '../helpers/memory-objects.js';

const child = (index: number, status: ChildRecord['status']): ChildRecord => ({
  index,
  name: `c${index}`,
  executionArn: `arn:aws:states:us-east-1:1:express:m/Map:run:c${index}`,
  status,
  input: JSON.stringify({ Items: [{ n: index, pad: 'x'.repeat(200) }] }),
  ...(status === 'SUCCEEDED' ? { output: JSON.stringify({ n: index }) } : { error: 'Boom', cause: 'why' }),
  itemCount: 1,
  startDate: '2026-01-01T00:00:00.000Z',
  stopDate: '2026-01-01T00:00:01.000Z',
});

t.test(
  'result files are split at the byte limit as children arrive; read in order they hold every child once',
  async (t) => {
    const objects = createMemoryObjects('out');
    const children = [...Array.from({ length: 40 }, (_, i) => child(39 - i, 'SUCCEEDED')), child(40, 'FAILED')];
    const max = 2048;
    const writer = new ResultWriter(objects, { bucket: 'out', prefix: 'p' }, 'arn:x:mapRun:m/Map:run', 'arn:sm', max);
    // Children arrive out of order (the last index first), as they finish: the files still hold them in order.
    for (const c of children) await writer.add(c);
    t.ok(await objects.head('p/run/SUCCEEDED_0.json'), 'a full file is written before the Map ends');
    const key = await writer.finish([]);
    const manifest = JSON.parse((await objects.get(key)).toString()) as {
      ResultFiles: Record<string, { Key: string; Size: number }[]>;
    };
    const succeeded = manifest.ResultFiles.SUCCEEDED!;
    t.ok(succeeded.length > 4, `${succeeded.length} files`);
    t.same(
      succeeded.map((f) => f.Key),
      succeeded.map((_, i) => `p/run/SUCCEEDED_${i}.json`),
    );
    const names: string[] = [];
    for (const f of succeeded) {
      const body = await objects.get(f.Key);
      t.ok(body.byteLength <= max && body.byteLength === f.Size);
      names.push(...(JSON.parse(body.toString()) as { Name: string }[]).map((e) => e.Name));
    }
    t.same(
      names,
      Array.from({ length: 40 }, (_, i) => `c${i}`),
    );
    t.equal(manifest.ResultFiles.FAILED!.length, 1);
  },
);
