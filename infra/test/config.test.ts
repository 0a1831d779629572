import { DEFAULT_COST_DEPLOYMENT } from '@platescale/shared';
import t from 'tap';
import { ENVIRONMENTS, resolveConfig } from '../lib/config.js';

t.test('dev by default; prod and the child type selectable; nonsense refused', async (t) => {
  t.equal(resolveConfig({}).name, 'dev');
  t.equal(resolveConfig({ env: 'prod' }).database.multiAz, true);
  t.equal(resolveConfig({}).workflow.mapChildExecutionType, 'EXPRESS');
  t.equal(resolveConfig({ mapChildExecutionType: 'STANDARD' }).workflow.mapChildExecutionType, 'STANDARD');
  t.equal(resolveConfig({ alarmEmail: 'ops@example.com' }).alarms.email, 'ops@example.com');
  t.throws(() => resolveConfig({ env: 'staging' }), /unknown environment/);
  t.throws(() => resolveConfig({ mapChildExecutionType: 'express' }), /EXPRESS or STANDARD/);
});

t.test('the cost model prices what infra deploys', async (t) => {
  for (const config of Object.values(ENVIRONMENTS)) {
    t.equal(config.segmenter.memoryMb, DEFAULT_COST_DEPLOYMENT.segmenterMemoryMb, config.name);
    t.equal(config.aggregator.memoryMb, DEFAULT_COST_DEPLOYMENT.aggregatorMemoryMb, config.name);
    t.equal(config.segmenter.architecture, DEFAULT_COST_DEPLOYMENT.architecture, config.name);
  }
});

t.test('prod leaves 100 of the default 1000 concurrent executions unreserved', async (t) => {
  t.ok(ENVIRONMENTS.prod.segmenter.reservedConcurrency <= 900);
});
