import { readFile } from 'node:fs/promises';
import t from 'tap';
import {
  type AnalysisJobEventDetail,
  AnalysisJobEventDetailSchema,
  EVENT_TYPE_BY_STATUS,
  parseAnalysisJobEventDetail,
} from '../src/events.js';

const detail: AnalysisJobEventDetail = {
  schemaVersion: 1,
  jobId: 'job-1',
  experimentId: 'exp-1',
  status: 'PARTIALLY_SUCCEEDED',
  imagesTotal: 10,
  imagesSucceeded: 9,
  imagesFailed: 1,
  failures: [{ plate: 'P1', well: 'A01', field: 0, error: 'DecodeError: corrupt TIFF' }],
  bucket: 'platescale',
  resultsPrefix: 'jobs/job-1/',
  sequence: 3,
  occurredAt: '2026-01-01T10:00:00.123Z',
};

t.test('the committed JSON Schema is the TypeBox schema', async (t) => {
  const file = JSON.parse(
    await readFile(new URL('../src/schemas/analysis-job-event.v1.json', import.meta.url), 'utf8'),
  );
  const { $schema, ...rest } = file;
  t.equal($schema, 'https://json-schema.org/draft/2020-12/schema');
  t.same(rest, JSON.parse(JSON.stringify(AnalysisJobEventDetailSchema)));
});

t.test('valid details parse; invalid ones name the field', async (t) => {
  t.same(parseAnalysisJobEventDetail(detail), detail);
  t.throws(() => parseAnalysisJobEventDetail({ ...detail, sequence: 0 }), {
    code: 'validation_failed',
    message: /\/sequence/,
  });
  t.throws(() => parseAnalysisJobEventDetail({ ...detail, status: 'RUNNING' }), {
    code: 'validation_failed',
    message: /\/status/,
  });
  const tooMany = Array.from({ length: 101 }, () => detail.failures[0]!);
  t.throws(() => parseAnalysisJobEventDetail({ ...detail, failures: tooMany }), {
    code: 'validation_failed',
    message: /\/failures/,
  });
});

t.test('every terminal aggregator status has its DetailType', async (t) => {
  t.same(Object.values(EVENT_TYPE_BY_STATUS).sort(), [
    'AnalysisJobFailed',
    'AnalysisJobPartiallySucceeded',
    'AnalysisJobSucceeded',
  ]);
});
