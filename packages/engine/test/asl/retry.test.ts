import t from 'tap';
import { errorMatches, retryDelayMs } from '../../src/asl/retry.js';

t.test('IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, then MaxAttempts ends it', async (t) => {
  const r = { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 8 };
  t.same(
    [0, 1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(r, n)),
    [1000, 2000, 4000, 8000, 8000, 8000, undefined],
  );
  t.same(
    [0, 1, 2, 3].map((n) => retryDelayMs({ ErrorEquals: ['X'] }, n)),
    [1000, 2000, 4000, undefined],
    'defaults 1s, ×2, 3 attempts',
  );
  t.equal(retryDelayMs({ ErrorEquals: ['X'], MaxAttempts: 0 }, 0), undefined, 'MaxAttempts 0 never retries');
});

t.test('JitterStrategy FULL draws from [0, delay)', async (t) => {
  const r = { ErrorEquals: ['X'], IntervalSeconds: 10, JitterStrategy: 'FULL' as const };
  t.equal(
    retryDelayMs(r, 0, () => 0.25),
    2500,
  );
  t.equal(
    retryDelayMs({ ...r, JitterStrategy: 'NONE' }, 0, () => 0.25),
    10000,
  );
});

t.test('wildcards: States.ALL and States.TaskFailed', async (t) => {
  t.ok(errorMatches(['States.ALL'], 'MyError'));
  t.ok(errorMatches(['States.ALL'], 'States.Timeout'));
  t.notOk(errorMatches(['States.ALL'], 'States.Runtime'));
  t.notOk(errorMatches(['States.ALL'], 'States.DataLimitExceeded'));
  t.ok(errorMatches(['States.TaskFailed'], 'Lambda.ServiceException'));
  t.notOk(errorMatches(['States.TaskFailed'], 'States.Timeout'));
  t.ok(errorMatches(['States.Timeout'], 'States.Timeout'));
});
