import t from 'tap';
import { COMPONENTS } from '../../src/schemas/components.js';
import { build } from '../helpers/build.js';

const { app, auth } = await build(t);
const spec = (await app.inject({ url: '/openapi.json' })).json();
const schemas: Record<string, Record<string, unknown>> = spec.components.schemas;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (path: string, method: string, status: string) =>
  spec.paths[path][method].responses[status].content['application/json'].schema;

/** Every `$ref` string anywhere in the document. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

t.test('the main resources are components named by their $id', async (t) => {
  t.same(Object.keys(schemas).sort(), [
    'ApiKey',
    'Cost',
    'Experiment',
    'Job',
    'Model',
    'PlateMap',
    'Problem',
    'Progress',
    'Webhook',
    'WebhookDelivery',
  ]);
  t.same(
    COMPONENTS.map((s) => (s as { $id?: string }).$id).sort(),
    Object.keys(schemas).sort(),
    'one component per registered schema',
  );
  const refs = refsIn(spec);
  t.ok(refs.length > 100);
  t.same(
    refs.filter((target) => !schemas[target.replace('#/components/schemas/', '')]),
    [],
    'every $ref resolves',
  );
});

t.test('operations refer to the components instead of inlining them', async (t) => {
  t.same(json('/v1/jobs/{id}', 'get', '200'), ref('Job'));
  t.equal(spec.paths['/v1/jobs/{id}'].get.responses['200'].description, 'The job', 'the response keeps its own words');
  t.same(json('/v1/jobs', 'post', '202'), ref('Job'));
  t.same(json('/v1/jobs', 'get', '200').properties.items.items, ref('Job'), 'a page stays inline, its items refer');
  t.same(json('/v1/experiments', 'post', '201'), ref('Experiment'));
  t.same(json('/v1/experiments/{id}/plate-map', 'get', '200'), ref('PlateMap'));
  t.same(json('/v1/webhooks/{id}', 'get', '200'), ref('Webhook'));
  t.same(json('/v1/webhooks/{id}/deliveries', 'get', '200').properties.items.items, ref('WebhookDelivery'));
  t.same(json('/v1/models/{id}', 'get', '200'), ref('Model'));
  t.same(json('/v1/keys', 'get', '200').properties.items.items, ref('ApiKey'));
  const job = schemas.Job?.properties as Record<string, unknown>;
  t.same(job.progress, ref('Progress'));
  t.same(job.cost, { anyOf: [ref('Cost'), { type: 'null' }] });
});

t.test('every problem+json response is a Problem, and so is every 4xx', async (t) => {
  const responses = Object.values(spec.paths).flatMap((operations) =>
    Object.values(operations as Record<string, { responses: Record<string, { content?: object }> }>).flatMap((op) =>
      Object.entries(op.responses),
    ),
  );
  const problems = responses.filter(
    ([status, { content }]) => status.startsWith('4') || (content && 'application/problem+json' in content),
  );
  t.ok(problems.length > 50);
  const problem = { 'application/problem+json': { schema: ref('Problem') } };
  t.same(
    problems.filter(([, { content }]) => JSON.stringify(content) !== JSON.stringify(problem)),
    [],
    'no other shape',
  );
});

t.test('bodies are still serialized through the referenced schemas', async (t) => {
  const missing = await app.inject({ url: '/v1/jobs/job_nope', headers: { authorization: auth } });
  t.equal(missing.statusCode, 404);
  t.same(Object.keys(missing.json()).sort(), ['code', 'detail', 'status', 'title', 'type']);
  const page = await app.inject({ url: '/v1/jobs', headers: { authorization: auth } });
  t.same(page.json(), { items: [], nextCursor: null });
});
