import t from 'tap';
import { estimateJobCost } from '../../src/cost/estimate.js';
import { PRICE_TABLE } from '../../src/cost/price-table.js';
import { ValidationError } from '../../src/errors.js';

const usage = { imageSets: 1000, batchSize: 10, channels: 3, segmenterSeconds: 2000 };

t.test('a 1000-image-set Express job, priced line by line', async (t) => {
  const cost = estimateJobCost(usage, { segmenterMemoryMb: 2048 });
  const { lambda, stepFunctions, s3, eventBridge } = cost.breakdown;
  t.equal(cost.deployment.batches, 100);
  t.equal(lambda.gbSeconds, 4000, '2000 s at 2048 MB');
  t.equal(lambda.requests, 100 + 2 + 1);
  t.equal(stepFunctions.expressRequests, 100);
  t.equal(stepFunctions.standardTransitions, 3, 'parent states only');
  // 20 s per child, billed at 64 MB: 100 × 20 × 0.0625 GB-s.
  t.equal(stepFunctions.expressGbSeconds, 125);
  t.same([s3.getRequests, s3.putRequests, s3.listRequests], [3003, 2003, 3]);
  t.equal(eventBridge.events, 1);
  const sum = lambda.usd + stepFunctions.usd + s3.usd + eventBridge.usd;
  t.ok(Math.abs(cost.estimatedAwsCostUsd - sum) < 1e-7, 'total = sum of the breakdown');
  t.ok(Math.abs(lambda.usd - (4000 * 0.0000166667 + 103 * 0.0000002)) < 1e-7);
  t.equal(cost.priceTableVersion, PRICE_TABLE.version);
  const expected =
    4000 * 0.0000166667 +
    103 * 0.0000002 +
    3 * 0.000025 +
    100 * 0.000001 +
    (125 * 0.06) / 3600 +
    3003 * 0.0000004 +
    (2003 + 3) * 0.000005 +
    0.000001;
  t.ok(Math.abs(cost.estimatedAwsCostUsd - expected) < 1e-7, `${cost.estimatedAwsCostUsd} ≈ ${expected}`);
});

t.test('Standard children are priced per transition, arm64 and memory from the deployment', async (t) => {
  const express = estimateJobCost(usage);
  const standard = estimateJobCost(usage, { mapChildExecutionType: 'STANDARD' });
  t.equal(express.deployment.segmenterMemoryMb, 1769, 'the deployed default: one full vCPU');
  t.equal(standard.breakdown.stepFunctions.standardTransitions, 103);
  t.equal(standard.breakdown.stepFunctions.expressRequests, 0);
  t.ok(standard.breakdown.stepFunctions.usd > express.breakdown.stepFunctions.usd);
  const arm = estimateJobCost(usage, { architecture: 'arm64', segmenterMemoryMb: 1024 });
  t.equal(arm.breakdown.lambda.gbSeconds, 2000);
  t.ok(arm.breakdown.lambda.usd < express.breakdown.lambda.usd / 2);
});

t.test(
  'measured ListImageSets/Aggregate seconds count at the aggregator memory; an empty job costs little',
  async (t) => {
    const withOthers = estimateJobCost(
      { ...usage, listImageSetsSeconds: 2, aggregateSeconds: 6 },
      { segmenterMemoryMb: 2048 },
    );
    t.equal(withOthers.breakdown.lambda.gbSeconds, 4000 + 8);
    const empty = estimateJobCost({ imageSets: 0, batchSize: 10, channels: 3, segmenterSeconds: 0 });
    t.equal(empty.deployment.batches, 0);
    t.ok(empty.estimatedAwsCostUsd < 0.001);
  },
);

t.test('nonsense usage is refused', async (t) => {
  t.throws(() => estimateJobCost({ ...usage, batchSize: 0 }), ValidationError);
  t.throws(() => estimateJobCost({ ...usage, segmenterSeconds: Number.NaN }), ValidationError);
  t.throws(() => estimateJobCost({ ...usage, imageSets: -1 }), ValidationError);
});
