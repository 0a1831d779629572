import { createAggregateHandler } from '@platescale/aggregator';
import t from 'tap';
import { batchesOf, syntheticPlateResults, writeMapOutput } from '../../../aggregator/test/helpers/map-output.js';
import { build, EXPERIMENT, submitJob } from '../helpers/build.js';

const CMD = "=cmd|' /C calc'!A0";
const SUM = '@SUM(1)';
/** What a spreadsheet would run: any cell that starts with one of these (a plain negative number aside). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The cells of a CSV (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function cells(csv: string): string[] {
  const out: string[] = [];
  for (const match of csv.matchAll(/(?:^|,|\n)("(?:[^"]|"")*"|[^,\n]*)/g)) {
    const raw = match[1]!;
    out.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw);
  }
  return out;
}

const dangerous = (csv: string) => cells(csv).filter((c) => FORMULA_START.test(c) && !/^-[\d.]/.test(c));

const { app, auth, deps } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });

// The synthetic plate's two dose series renamed to formula payloads; a metadata column named and valued like one.
const { images, plateMapRows } = syntheticPlateResults({ fields: 2 });
const series = [...new Set(plateMapRows.filter((r) => r.role === 'sample').map((r) => r.treatment))];
const renamed = new Map([
  [series[0]!, CMD],
  [series[1]!, SUM],
]);
const plateMap = plateMapRows.map((r) => ({
  ...r,
  treatment: renamed.get(r.treatment) ?? r.treatment,
  '=HYPERLINK("http://evil")': '+1+1',
}));
const put = await app.inject({
  method: 'PUT',
  url: `/v1/experiments/${EXPERIMENT.experimentId}/plate-map`,
  headers,
  payload: plateMap,
});
const jobId = await submitJob(app, headers);
const objects = deps.objects.withBucket(deps.config.bucket);
await createAggregateHandler({ db: deps.db.db, objects, events: deps.events })({
  jobId,
  bucket: deps.config.bucket,
  resultWriterDetails: await writeMapOutput(objects, `jobs/${jobId}/`, batchesOf(images, 8)),
});

const csv = async (url: string) => {
  const res = await app.inject({ url, headers: { ...headers, accept: 'text/csv' } });
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body };
};

t.test('a plate map with =cmd|… and @SUM(1) treatments comes back neutralised from every CSV export', async (t) => {
  t.equal(put.statusCode, 200, put.body);
  const exports = {
    'plate map': `/v1/experiments/${EXPERIMENT.experimentId}/plate-map`,
    'results, image level': `/v1/jobs/${jobId}/results?level=image`,
    'results, well level': `/v1/jobs/${jobId}/results?level=well`,
    'results, condition level': `/v1/jobs/${jobId}/results?level=condition`,
    'results, plate level': `/v1/jobs/${jobId}/results?level=plate`,
    'dose-response fits': `/v1/jobs/${jobId}/dose-response`,
  };
  for (const [name, url] of Object.entries(exports)) {
    const res = await csv(url);
    t.equal(res.status, 200, name);
    t.match(res.type, /^text\/csv/, name);
    t.same(dangerous(res.body), [], `${name}: no cell starts a formula`);
    if (name !== 'results, image level' && name !== 'results, plate level') {
      t.ok(cells(res.body).includes(`'${CMD}`), `${name}: ${CMD} is there, neutralised`);
      t.ok(cells(res.body).includes(`'${SUM}`), `${name}: ${SUM} is there, neutralised`);
    }
  }
  const map = (await csv(exports['plate map'])).body;
  t.ok(cells(map).includes(`'=HYPERLINK("http://evil")`), 'a header cell is neutralised too');
  t.ok(cells(map).includes(`'+1+1`), 'and a metadata value');
});

t.test('plain negative numbers stay numbers in the export', async (t) => {
  const wells = (await csv(`/v1/jobs/${jobId}/results?level=well`)).body;
  const negatives = cells(wells).filter((c) => c.startsWith('-'));
  t.ok(negatives.length > 0, 'robust z scores below the controls are negative');
  t.same(
    negatives.filter((c) => !Number.isFinite(Number(c))),
    [],
    'each is a number',
  );
});

t.test('the neutralised plate-map CSV uploads back as the same plate map', async (t) => {
  const url = `/v1/experiments/${EXPERIMENT.experimentId}/plate-map`;
  const before = (await app.inject({ url, headers })).json();
  const exported = (await csv(url)).body;
  const again = await app.inject({
    method: 'PUT',
    url,
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: exported,
  });
  t.equal(again.statusCode, 200, again.body);
  const after = (await app.inject({ url, headers })).json();
  t.same(
    after.wells.map((w: { treatment: string }) => w.treatment),
    before.wells.map((w: { treatment: string }) => w.treatment),
  );
  t.equal(after.wells[0].metadata['=HYPERLINK("http://evil")'], '+1+1');
});
