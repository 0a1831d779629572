import { plateMapLookup } from '@platescale/results';
import type { ImageResult, ImageSummary } from '@platescale/shared';
import { syntheticImageSummary } from '@platescale/synthetic';
import t from 'tap';
import { analyzeAccumulated, analyzeJob } from '../../src/aggregate/analyze.js';
import { WellAccumulator, type WellField } from '../../src/stats/well-accumulator.js';
import { aggregateWells, type WellSummary } from '../../src/stats/wells.js';
import { syntheticPlateResults } from '../helpers/map-output.js';

/** Two plates of full-feature summaries with failed fields, empty fields and a late-arriving extra feature. */
function fullFeatureResults(): ImageResult[] {
  const results: ImageResult[] = [];
  for (const plate of ['P1', 'P2']) {
    for (const row of 'ABCD') {
      for (let col = 1; col <= 6; col++) {
        const well = `${row}${String(col).padStart(2, '0')}`;
        for (let field = 0; field < 7; field++) {
          if ((col + field) % 11 === 0) {
            results.push({ plate, well, field, ok: false, error: { type: 'DecodeError', message: 'corrupt' } });
            continue;
          }
          const s = syntheticImageSummary({ plate, well, field }, ['DNA', 'CellStain']);
          if (field === 3 && col === 2) s.count = 0;
          if (plate === 'P2' && field === 5) s.features = { ...s.features, Texture_Late: field * 1.1 + col };
          results.push(s);
        }
      }
    }
  }
  // Streamed results arrive in file order, not sorted: interleave the plates.
  return results.sort((a, b) => a.field - b.field || (a.plate < b.plate ? -1 : 1));
}

const wellKey = (r: { plate: string; well: string }) => `${r.plate} ${r.well}`;
const byWell = (a: ImageResult, b: ImageResult) =>
  (wellKey(a) < wellKey(b) ? -1 : wellKey(a) > wellKey(b) ? 1 : 0) || a.field - b.field;

/** What the handler's second pass reads back: the successful fields of the given wells, each well's together. */
function storedFields(results: ImageResult[], wells: { plate: string; well: string }[]): WellField[] {
  const keys = new Set(wells.map(wellKey));
  return results.filter((r): r is ImageSummary => r.ok && keys.has(wellKey(r))).sort(byWell);
}

/** The stream, then the second pass for the wells it reports scattered (as the aggregate handler does). */
function accumulate(results: ImageResult[]): WellAccumulator {
  const acc = new WellAccumulator();
  for (const r of results) acc.add(r);
  acc.recount(storedFields(results, acc.scattered()));
  return acc;
}

t.test(
  'streamed wells equal aggregateWells exactly, medians included, whatever order the fields come in',
  async (t) => {
    const results = fullFeatureResults();
    const lookup = plateMapLookup([]);
    const expected = aggregateWells(results, lookup);
    t.ok(
      expected.every((w) => Object.keys(w.featureMedians).length > 40),
      'every well carries the full feature set',
    );
    const scattered = new WellAccumulator();
    for (const r of results) scattered.add(r);
    t.equal(scattered.scattered().length, 48, 'plates interleaved, fields in field order: every well is scattered');
    scattered.recount(storedFields(results, scattered.scattered()));
    const plates = [...scattered.plates(lookup)];
    t.same(
      plates.map((wells) => [...new Set(wells.map((w) => w.plate))]),
      [['P1'], ['P2']],
      'one plate at a time',
    );
    t.same(plates.flat(), expected);

    const together = new WellAccumulator();
    for (const r of [...results].sort(byWell)) together.add(r);
    t.same(together.scattered(), [], "each well's fields together: no second pass");
    t.same([...together.plates(lookup)].flat(), expected);
  },
);

t.test('a well met again after its run ended is scattered until its fields are read back', async (t) => {
  const [a1, b1, a2, b2] = ['A01', 'A02', 'A01', 'A02'].map((well, field) =>
    syntheticImageSummary({ plate: 'P', well, field }, ['DNA']),
  );
  const acc = new WellAccumulator();
  for (const r of [a1!, b1!, a2!]) acc.add(r);
  t.same(acc.scattered(), [{ plate: 'P', well: 'A01' }]);
  t.throws(() => [...acc.plates(plateMapLookup([]))], /A01: fields in several runs and no recount/);
  t.throws(() => acc.recount([b1!]), /A02 is not a scattered well/);
  acc.add(b2!);
  t.equal(acc.scattered().length, 2);
  t.throws(() => acc.recount([a1!, b1!, a2!]), /A01 is not a scattered well, or came twice/, 'fields not grouped');
});

t.test('the whole analysis from the accumulator matches analyzeJob on the same data', async (t) => {
  const { images, plateMapRows } = syntheticPlateResults({ fields: 3 });
  const plateMap = plateMapRows.map((r) => ({ ...r, metadata: {} }));
  const old = analyzeJob(images, plateMap);
  const written: WellSummary[] = [];
  const streamed = await analyzeAccumulated(accumulate(images), plateMap, async (wells) => {
    written.push(...wells);
  });
  t.equal(streamed.wellCount, old.wells.length);
  t.same(written, old.wells);
  // The levels above the wells use well means only: identical.
  t.same(streamed.conditions, old.conditions);
  t.same(streamed.plateQc, old.plateQc);
  t.same(streamed.doseResponse, old.doseResponse);
});
