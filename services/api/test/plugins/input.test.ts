import { connect } from 'node:net';
import t from 'tap';
import { jsonDepth } from '../../src/plugins/input.js';
import { build, EXPERIMENT, submitJob } from '../helpers/build.js';

const { app, auth, keyFor } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });
const admin = await keyFor('lab-a', ['admin']);
const jobId = await submitJob(app, headers);

const isProblem = (res: { headers: Record<string, unknown> }) =>
  String(res.headers['content-type']).startsWith('application/problem+json');

t.test('a NUL byte in a path id, a query value or a cursor: 400 naming the field, never 500', async (t) => {
  const urls = [
    '/v1/jobs/%00',
    `/v1/jobs/job%00x`,
    '/v1/jobs/%00/results',
    '/v1/jobs/%00/events',
    '/v1/jobs/%00/dose-response',
    '/v1/jobs/%00/fields/P1/A01/0/mask',
    `/v1/jobs/${jobId}/fields/P%00/A01/0/mask`,
    '/v1/experiments/%00',
    '/v1/experiments/a%00/plate-map',
    '/v1/models/%00',
    '/v1/models/%00/file',
    '/v1/webhooks/%00',
    '/v1/webhooks/%00/deliveries',
    '/v1/jobs?experimentId=%00',
    '/v1/jobs?cursor=%00',
    `/v1/jobs/${jobId}/results?cursor=a%00b`,
    `/v1/jobs/${jobId}/dose-response?feature=%00`,
    '/v1/experiments?cursor=%00',
    '/v1/keys?cursor=%00',
  ];
  for (const url of urls) {
    const res = await app.inject({ url, headers: { authorization: admin } });
    t.equal(res.statusCode, 400, `${url}: ${res.body}`);
    t.ok(isProblem(res), url);
    t.match(res.json(), { code: 'validation_failed', detail: /contains a NUL character/ }, url);
  }
  const id = await app.inject({ url: '/v1/jobs/%00', headers });
  t.equal(id.json().field, 'id');
  const query = await app.inject({ url: '/v1/jobs?experimentId=%00', headers });
  t.equal(query.json().field, 'experimentId');
  for (const [method, url] of [
    ['POST', '/v1/jobs/%00/cancel'],
    ['POST', '/v1/jobs/%00/redrive'],
    ['DELETE', '/v1/webhooks/%00'],
    ['DELETE', '/v1/keys/%00'],
  ] as const) {
    const res = await app.inject({ method, url, headers: { authorization: admin } });
    t.equal(res.statusCode, 400, `${method} ${url}`);
  }
});

t.test('NUL, unpaired surrogates and non-finite numbers in a body: 400 naming the field', async (t) => {
  const plateMap = `/v1/experiments/${EXPERIMENT.experimentId}/plate-map`;
  const cases: [string, string, string, string, RegExp][] = [
    ['POST', '/v1/experiments', JSON.stringify({ ...EXPERIMENT, channels: ['DNA\u0000', 'PH3'] }), 'channels.0', /NUL/],
    ['PUT', plateMap, '[{"well":"A01","treatment":"DMSO\\u0000"}]', '0.treatment', /NUL/],
    ['PUT', plateMap, '[{"well":"A01","treatment":"x","cell\\u0000line":"HeLa"}]', '0.cell\\0line', /NUL/],
    ['PUT', plateMap, '[{"well":"A01","treatment":"\\ud800"}]', '0.treatment', /unpaired UTF-16 surrogate/],
    ['PUT', plateMap, '[{"well":"A01","treatment":"x","dose":1e400}]', '0.dose', /must be number/],
    ['PUT', plateMap, '[{"well":"A01","treatment":"x","replicate":-1e400}]', '0.replicate', /not a finite number/],
    [
      'POST',
      '/v1/webhooks',
      JSON.stringify({ url: 'https://example.org/h', eventTypes: ['AnalysisJobSucceeded'], description: 'a\u0000' }),
      'description',
      /NUL/,
    ],
  ];
  for (const [method, url, payload, field, detail] of cases) {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: admin, 'content-type': 'application/json' },
      payload,
    });
    t.equal(res.statusCode, 400, `${field}: ${res.body}`);
    t.match(res.json(), { field, detail }, field);
  }
  const csv = await app.inject({
    method: 'PUT',
    url: plateMap,
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: 'well,treatment\nA01,DM\u0000SO\n',
  });
  t.equal(csv.statusCode, 400);
  t.match(csv.json(), { field: 'body', detail: /NUL/ });
});

t.test('JSON bodies are not type-coerced: a string, boolean or array where a number belongs is a 400', async (t) => {
  const submit = (extra: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers,
      payload: { experimentId: EXPERIMENT.experimentId, segmentationChannel: 'DNA', ...extra },
    });
  for (const value of ['-Infinity', 'Infinity', '0x10', '5', '', true, [50], null, { n: 5 }]) {
    for (const field of ['batchSize', 'maxConcurrency', 'toleratedFailurePercentage']) {
      const res = await submit({ [field]: value });
      t.equal(res.statusCode, 400, `${field}: ${JSON.stringify(value)} → ${res.body}`);
      t.equal(res.json().field, field);
    }
  }
  t.equal((await submit({ batchSize: 16, maxConcurrency: 4, toleratedFailurePercentage: 5 })).statusCode, 202);
  const misspelt = await submit({ batchsize: 16 });
  t.equal(misspelt.statusCode, 400, 'an undeclared field is refused, not dropped');
  t.match(misspelt.json(), { field: 'batchsize', detail: /is not allowed/ });
  const query = await app.inject({ url: '/v1/jobs?limit=2', headers });
  t.equal(query.statusCode, 200, 'query strings are text: their numbers are still read');
});

t.test('deep nesting and every parser error answer 400 problem+json', async (t) => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const plateMap = await app.inject({
    method: 'PUT',
    url: `/v1/experiments/${EXPERIMENT.experimentId}/plate-map`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: `[{"well":"A01","treatment":"x","column":${deep}}]`,
  });
  t.equal(plateMap.statusCode, 400);
  t.ok(isProblem(plateMap));
  t.match(plateMap.json(), { detail: /nested deeper than 32 levels/ });
  t.equal(jsonDepth('{"a":"[[[[","b":[{}]}', 32), 3, 'brackets inside strings do not count');

  for (const [payload, what] of [
    ['{"experimentId": ', 'truncated JSON'],
    ['{"a":1,}', 'a trailing comma'],
    ['', 'an empty body'],
    ['{"__proto__": {"x": 1}}', 'prototype poisoning'],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { ...headers, 'content-type': 'application/json' },
      payload,
    });
    t.equal(res.statusCode, 400, what);
    t.ok(isProblem(res), `${what}: ${res.headers['content-type']}`);
  }
  const bad = await app.inject({ url: '/v1/jobs/%E0%A4%A', headers });
  t.equal(bad.statusCode, 400, 'malformed percent-encoding in the path');
  t.ok(isProblem(bad));
  t.match(bad.json(), { code: 'bad_request', detail: /malformed percent-encoding/ });
  const badQuery = await app.inject({ url: '/v1/jobs?experimentId=%E0%A4%A', headers });
  t.ok(badQuery.statusCode < 500, `malformed percent-encoding in the query: ${badQuery.statusCode}`);
});

t.test('a 60 kB header answers 431 problem+json', async (t) => {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = new URL(address);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(60_000)}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  t.match(answer, /^HTTP\/1\.1 431 /);
  t.match(answer, /content-type: application\/problem\+json/i);
  t.match(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), { status: 431, code: 'headers_too_large' });
});

t.test('uploads with a non-image content type answer 415', async (t) => {
  const writer = await keyFor('lab-a', ['models:write']);
  for (const [type, payload] of [
    ['application/json', '{"image":"data"}'],
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'a=b'],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/uploads',
      headers: { authorization: writer, 'content-type': type },
      payload,
    });
    t.equal(res.statusCode, 415, type);
    t.ok(isProblem(res), type);
    t.equal(res.json().code, 'unsupported_media_type');
  }
  const data = new FormData();
  data.append('name', 'm');
  data.append('classes', 'bg,nucleus');
  data.append('image', new Blob(['{"x":1}'], { type: 'application/json' }), 'image.json');
  data.append('labels', new Blob(['{"x":1}'], { type: 'application/json' }), 'labels.json');
  const encoded = new Response(data);
  const form = await app.inject({
    method: 'POST',
    url: '/v1/models',
    headers: { authorization: writer, 'content-type': encoded.headers.get('content-type')! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
  t.equal(form.statusCode, 415, 'a training form part that is not an image');
  t.match(form.json(), { field: 'image', detail: /'image.json'\) is application\/json/ });
});
