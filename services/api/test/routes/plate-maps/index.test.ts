import t from 'tap';
import { build, EXPERIMENT } from '../../helpers/build.js';

const { app, auth, keyFor } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });
const url = '/v1/experiments/AS_09125/plate-map';

const ROWS = [
  { well: 'A01', treatment: 'DMSO', dose: 0, unit: 'uM', role: 'negative_control', line: 'U2OS' },
  { well: 'A12', treatment: 'staurosporine', dose: 10, unit: 'uM', role: 'positive_control', line: 'U2OS' },
  { well: 'b2', treatment: 'cmpd-1', dose: 0.5, unit: 'uM', role: 'sample', line: 'HeLa' },
];

t.test('PUT JSON rows → 200 with the count; GET returns them canonical, extra columns as metadata', async (t) => {
  const put = await app.inject({ method: 'PUT', url, headers, payload: ROWS });
  t.equal(put.statusCode, 200, put.body);
  t.same(put.json(), { experimentId: 'AS_09125', count: 3 });
  const get = await app.inject({ url, headers });
  t.equal(get.statusCode, 200);
  t.equal(get.json().count, 3);
  t.same(get.json().wells[1], {
    plate: '',
    well: 'A12',
    treatment: 'staurosporine',
    dose: 10,
    unit: 'uM',
    role: 'positive_control',
    metadata: { line: 'U2OS' },
  });
  t.equal(get.json().wells[2].well, 'B02');
});

t.test('PUT text/csv replaces the map; GET with Accept: text/csv gives back an uploadable CSV', async (t) => {
  const csv =
    'well,treatment,dose,unit,role,replicate\nC03,vehicle,,,negative_control,1\nC04,"drug, salt",1.5,nM,sample,2\n';
  const put = await app.inject({
    method: 'PUT',
    url,
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: csv,
  });
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().count, 2);
  const get = await app.inject({ url, headers: { ...headers, accept: 'text/csv' } });
  t.equal(get.statusCode, 200);
  t.match(get.headers['content-type'], /^text\/csv/);
  t.match(get.headers['content-disposition'], /filename="AS_09125_plate-map\.csv"/);
  t.equal(
    get.body,
    'plate,well,treatment,dose,unit,role,replicate\n,C03,vehicle,,,negative_control,1\n,C04,"drug, salt",1.5,nM,sample,2\n',
  );
  const again = await app.inject({
    method: 'PUT',
    url,
    headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
    payload: get.body,
  });
  t.same(again.json(), { experimentId: 'AS_09125', count: 2 });
});

t.test('400 names unknown, duplicate and out-of-format wells, and keeps the stored map', async (t) => {
  const bad = await app.inject({
    method: 'PUT',
    url,
    headers,
    payload: [
      { well: 'A01', treatment: 'x' },
      { well: 'a1', treatment: 'x' },
      { well: 'Q30', treatment: 'x' },
      { well: 'nope', treatment: 'x' },
    ],
  });
  t.equal(bad.statusCode, 400);
  t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(bad.json(), { code: 'validation_failed', field: 'plateMap' });
  t.match(bad.json().detail, /unknown wells: nope/);
  t.match(bad.json().detail, /duplicate wells: A01/);
  t.match(bad.json().detail, /outside the plate format: Q30/);
  const role = await app.inject({
    method: 'PUT',
    url,
    headers,
    payload: [{ well: 'A01', treatment: 'x', role: 'blank' }],
  });
  t.equal(role.statusCode, 400);
  t.equal(role.json().field, '0.role');
  const empty = await app.inject({
    method: 'PUT',
    url,
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: '',
  });
  t.equal(empty.statusCode, 400);
  t.equal((await app.inject({ url, headers })).json().count, 2, 'the previous map is still there');
});

t.test('tenancy and scopes: 404 for unknown and other tenants’ experiments, jobs:write to upload', async (t) => {
  const other = await keyFor('lab-b', ['jobs:read', 'jobs:write']);
  const theirs = await app.inject({ method: 'PUT', url, headers: { authorization: other }, payload: ROWS });
  t.equal(theirs.statusCode, 404);
  t.equal(theirs.json().code, 'experiment_not_found');
  t.equal((await app.inject({ url, headers: { authorization: other } })).statusCode, 404);
  const unknown = await app.inject({ method: 'PUT', url: '/v1/experiments/nope/plate-map', headers, payload: ROWS });
  t.equal(unknown.statusCode, 404);
  const readOnly = await keyFor('lab-a', ['jobs:read']);
  const denied = await app.inject({ method: 'PUT', url, headers: { authorization: readOnly }, payload: ROWS });
  t.equal(denied.statusCode, 403);
  t.equal((await app.inject({ url, headers: { authorization: readOnly } })).statusCode, 200);

  await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers,
    payload: { ...EXPERIMENT, experimentId: 'bare' },
  });
  const none = await app.inject({ url: '/v1/experiments/bare/plate-map', headers });
  t.equal(none.statusCode, 404);
  t.equal(none.json().code, 'plate_map_not_found');
});

t.test('OpenAPI documents both request media types', async (t) => {
  const spec = (await app.inject({ url: '/openapi.json' })).json();
  const put = spec.paths['/v1/experiments/{id}/plate-map'].put;
  t.equal(put.operationId, 'putPlateMap');
  t.same(Object.keys(put.requestBody.content).sort(), ['application/json', 'text/csv']);
  t.same(Object.keys(spec.paths['/v1/experiments/{id}/plate-map'].get.responses['200'].content).sort(), [
    'application/json',
    'text/csv',
  ]);
});
