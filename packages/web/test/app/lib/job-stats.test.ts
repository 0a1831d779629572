import t from 'tap';
import { jobStats } from '../../../app/lib/job-stats.js';

t.test('percent, duration and rate of a finished and of a running job', async (t) => {
  const finished = jobStats(
    {
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:20Z',
      progress: { total: 40, succeeded: 38, failed: 2 },
    },
    Date.parse('2026-01-01T01:00:00Z'),
  );
  t.same(finished, { done: 40, percent: 100, seconds: 20, imagesPerSecond: 2 });
  const running = jobStats(
    { startedAt: '2026-01-01T00:00:00Z', finishedAt: null, progress: { total: 30, succeeded: 10, failed: 0 } },
    Date.parse('2026-01-01T00:00:05Z'),
  );
  t.same(running, { done: 10, percent: 33.3, seconds: 5, imagesPerSecond: 2 });
  const queued = jobStats({ startedAt: null, finishedAt: null, progress: { total: 0, succeeded: 0, failed: 0 } }, 0);
  t.same(queued, { done: 0, percent: 0, seconds: null, imagesPerSecond: null });
});
