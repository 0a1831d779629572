import { readFileSync } from 'node:fs';
import t from 'tap';
import { awsEnvironment, BYTES_PER_RESULT, LATEST_SEGMENTER_SECONDS_PER_IMAGE } from '../../src/plan/environments.js';
import { predict, recommend } from '../../src/plan/model.js';

t.test('the default seconds per image is the latest bench:segmenter figure in docs/segmenter.md', async (t) => {
  const doc = readFileSync(new URL('../../../../docs/segmenter.md', import.meta.url), 'utf8');
  const figure = /\| seconds per image \(CPU[^|]*\|\s*([0-9.]+)/.exec(doc)?.[1];
  t.equal(Number(figure), LATEST_SEGMENTER_SECONDS_PER_IMAGE);
});

t.test(
  'waves, quotas and payload: more concurrency helps up to the account limit, big batches are refused',
  async (t) => {
    const env = awsEnvironment();
    const job = { images: 500_000, secondsPerImage: 0.1, batchSize: 100 };
    const slow = predict({ ...job, maxConcurrency: 100 }, env);
    const fast = predict({ ...job, maxConcurrency: 1000 }, env);
    t.ok(fast.mapSeconds < slow.mapSeconds);
    t.equal(predict({ ...job, maxConcurrency: 10_000 }, env).concurrency, 1000, 'the Lambda account limit caps it');
    t.equal(
      predict({ ...job, maxConcurrency: 10_000 }, awsEnvironment({ lambdaConcurrency: 20_000 })).concurrency,
      5000,
    );
    t.match(predict({ ...job, batchSize: 200, maxConcurrency: 1000 }, env).infeasible, /payload/);
    t.ok(200 * BYTES_PER_RESULT > 262_144);
    const { best, curve } = recommend({ images: 500_000, secondsPerImage: 0.1 }, env);
    t.notOk(best.infeasible);
    const fastest = Math.min(...curve.filter((p) => !p.infeasible).map((p) => p.predictedWallSeconds));
    t.ok(best.predictedWallSeconds <= fastest * 1.1, 'the sweet spot is within 10 % of the fastest');
  },
);
