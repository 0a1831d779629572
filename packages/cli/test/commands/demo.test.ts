import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { run } from '../../src/commands/demo.js';
import { localKey } from '../../src/lib/platform.js';
import { startTestPlatform } from '../helpers/platform.js';

// The demo against a platform that is already running (what `--api` does for docker compose and AWS): images
// go up through POST /v1/uploads, the job runs, and --json carries the fields scripts rely on.
t.test('demo --api: one field per well, the --json contract', async (t) => {
  const env = await startTestPlatform();
  t.teardown(() => env.close());
  const dir = await mkdtemp(join(tmpdir(), 'platescale-demo-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const key = await localKey(env.platform, 'remote-demo');
  const out = join(dir, 'out.json');

  const code = await run(['--api', env.platform.url, '--key', key, '--fields', '1', '--json', out]);
  t.equal(code, 0);
  const report = JSON.parse(await readFile(out, 'utf8'));
  t.match(report, {
    jobId: String,
    status: 'SUCCEEDED',
    imagesTotal: 97,
    imagesSucceeded: 97,
    imagesFailed: 0,
    wallSeconds: Number,
    groundTruth: { wellsCompared: 96 },
    estimatedAwsCostUsd: Number,
  });
  t.equal(report.wells.length, 97, '96 synthetic wells and D03 of the example plate');
  t.match(report.wells[0], { plate: String, well: String, fields: 1, cellCount: Number, meanArea: Number });
  t.ok(report.groundTruth.meanAbsCountErrorPct <= 10, `count error ${report.groundTruth.meanAbsCountErrorPct} %`);
  t.type(report.zPrime.Count_Nuclei, 'number');
  t.same(report.doseResponse.map((d: { treatment: string }) => d.treatment).sort(), ['compoundA', 'compoundB']);
  for (const d of report.doseResponse) {
    t.ok(Math.abs(Math.log10(d.ec50 / d.trueEc50)) <= 0.1, `${d.treatment} EC50 ${d.ec50} vs ${d.trueEc50}`);
  }
});

t.test('demo --api without a key says how to get one', async (t) => {
  const saved = process.env.PLATESCALE_API_KEY;
  delete process.env.PLATESCALE_API_KEY;
  t.teardown(() => {
    if (saved !== undefined) process.env.PLATESCALE_API_KEY = saved;
  });
  await t.rejects(run(['--api', 'http://127.0.0.1:9']), /--api needs an API key/);
});
