/**
 * The conformance suite: each file in cases/ is a definition + input + the expected output or error, taken
 * from the AWS Step Functions documentation page cited in its `source`. Lambdas are the fixed catalog below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import validateAsl from 'asl-validator';
import t from 'tap';
import { createLocalWorkflow, type LambdaHandler } from '../../src/index.js';
import { createMemoryObjects, readJson } from '../helpers/memory-objects.js';

interface Case {
  source: string;
  fields: string[];
  /** Why asl-validator cannot judge this definition (its schema predates a field), when it cannot. */
  schemaCheck?: string;
  definition: unknown;
  input: unknown;
  objects?: Record<string, Record<string, unknown>>;
  expected: {
    status?: string;
    output?: unknown;
    error?: string;
    cause?: string;
    loadError?: string;
    invocations?: number;
    sleepsMs?: number[];
    manifest?: unknown;
  };
}

const CASES = new URL('./cases/', import.meta.url);

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Strings written "re:<pattern>" in an expectation match by regular expression; everything else exactly. */
function conforms(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (typeof expected === 'string' && expected.startsWith('re:')) {
    return typeof actual === 'string' && new RegExp(expected.slice(3)).test(actual)
      ? undefined
      : `${at}: ${JSON.stringify(actual)} does not match /${expected.slice(3)}/`;
  }
  if (expected === null || typeof expected !== 'object') {
    return actual === expected
      ? undefined
      : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual) !== Array.isArray(expected)) {
    return `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
  const ak = Object.keys(actual);
  const ek = Object.keys(expected);
  // Result file entries also carry a Size, which depends on timestamps and ARNs.
  const partial = /ResultFiles\.(FAILED|SUCCEEDED)\.\d+$/.test(at);
  if (!partial && ak.length !== ek.length) return `${at}: keys ${JSON.stringify(ak)} vs expected ${JSON.stringify(ek)}`;
  for (const k of ek) {
    const miss = conforms(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      `${at}.${k}`,
    );
    if (miss) return miss;
  }
  return undefined;
}

const cases = readdirSync(CASES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, c: JSON.parse(readFileSync(new URL(file, CASES), 'utf8')) as Case }));

t.test('every case definition is valid ASL for asl-validator (the reference schema)', async (t) => {
  // One validator call (each call compiles its schema, which is slow): the definitions as Parallel branches.
  // Branches may reuse state names across each other, so that one rule is left to the per-definition loader.
  const checked = cases.filter(({ c }) => !c.schemaCheck);
  const all = {
    StartAt: 'All',
    States: { All: { Type: 'Parallel', Branches: checked.map(({ c }) => c.definition), End: true } },
  };
  const { errors } = validateAsl(structuredClone(all));
  t.same(
    errors.filter((e) => e['Error code'] !== 'DUPLICATE_STATE_NAMES'),
    [],
  );
});

for (const { file, c } of cases) {
  t.test(`${file}: ${c.fields.join(', ')} — ${c.source}`, async (t) => {
    const objects = createMemoryObjects('conformance');
    for (const [bucket, keys] of Object.entries(c.objects ?? {})) {
      for (const [key, body] of Object.entries(keys)) {
        await objects.withBucket(bucket).put(key, typeof body === 'string' ? body : JSON.stringify(body));
      }
    }
    let invocations = 0;
    const sleeps: number[] = [];
    const lambdas: Record<string, LambdaHandler> = {
      HelloFunction: async (e) => `Hello, ${(e as { who: string }).who}!`,
      FailFunction: async (e) => {
        invocations++;
        const ev = e as { errorType?: string; errorMessage?: string };
        if (ev.errorType) throw new NamedError(ev.errorType, ev.errorMessage ?? '');
        return e;
      },
      SleepFunction: async (e) => {
        await delay((e as { ms: number }).ms);
        return {};
      },
      BigFunction: async (e) => 'x'.repeat((e as { bytes: number }).bytes),
    };
    const create = () =>
      createLocalWorkflow({
        definition: c.definition,
        lambdas,
        objects,
        poolSize: 2,
        region: 'us-east-1',
        account: '123456789012',
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:conformance',
        // Time runs 1000× faster: IntervalSeconds 3 waits 3 ms, TimeoutSeconds 1 is 1 ms.
        sleep: (ms, signal) => {
          sleeps.push(ms);
          return delay(ms / 1000, undefined, signal ? { signal } : {});
        },
        random: () => 1,
      });
    if (c.expected.loadError) {
      t.throws(create, { name: 'DefinitionError', message: c.expected.loadError });
      return;
    }
    const workflow = create();
    const { executionArn } = await workflow.start('case', c.input);
    const done = await workflow.wait(executionArn);
    t.equal(done.status, c.expected.status);
    if ('output' in c.expected) t.equal(conforms(done.output, c.expected.output), undefined, 'output as documented');
    if (c.expected.error) t.equal(done.error, c.expected.error);
    if (c.expected.cause) t.equal(done.cause, c.expected.cause);
    if (c.expected.invocations !== undefined) t.equal(invocations, c.expected.invocations);
    if (c.expected.sleepsMs) t.same(sleeps, c.expected.sleepsMs);
    if (c.expected.manifest) {
      const details = (done.output as { ResultWriterDetails: { Bucket: string; Key: string } }).ResultWriterDetails;
      const manifest = await readJson(objects.withBucket(details.Bucket), details.Key);
      t.equal(conforms(manifest, c.expected.manifest), undefined, 'manifest as documented');
    }
  });
}
