import { plateMapLookup } from '@platescale/results';
import type { ImageResult } from '@platescale/shared';
import { syntheticImageSummary } from '@platescale/synthetic';
import t, { type Test } from 'tap';
import { analyzeAccumulated, analyzeJob } from '../../src/aggregate/analyze.js';
import { WellAccumulator } from '../../src/stats/well-accumulator.js';
import { aggregateWells, type WellSummary } from '../../src/stats/wells.js';
import { syntheticPlateResults } from '../helpers/map-output.js';

/** Float32 storage of the field values bounds a median's relative error by 2⁻²⁴ (documented in docs/scale.md). */
const MEDIAN_BOUND = 2 ** -24;

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

function accumulate(results: ImageResult[]): WellAccumulator {
  const acc = new WellAccumulator();
  for (const r of results) acc.add(r);
  return acc;
}

type Wells = ReturnType<typeof aggregateWells>;

/** Counts and means identical; each median within the bound. Returns how many medians were compared. */
function sameWells(t: Test, streamed: Wells, expected: Wells): number {
  t.equal(streamed.length, expected.length);
  let medians = 0;
  streamed.forEach((w, i) => {
    const e = expected[i]!;
    const { featureMedians, medianArea, ...exact } = w;
    const { featureMedians: eMedians, medianArea: eMedianArea, ...eExact } = e;
    t.same(exact, eExact, `${w.plate} ${w.well}: every count and mean is identical`);
    t.same(Object.keys(featureMedians).sort(), Object.keys(eMedians).sort());
    for (const [name, v] of Object.entries(eMedians)) {
      t.ok(Math.abs(featureMedians[name]! - v) <= MEDIAN_BOUND * Math.abs(v), `${w.well} ${name} median`);
      medians++;
    }
    t.ok(Math.abs((medianArea ?? 0) - (eMedianArea ?? 0)) <= MEDIAN_BOUND * Math.abs(eMedianArea ?? 0));
  });
  return medians;
}

t.test('streamed wells equal aggregateWells: counts and means exactly, medians within 2⁻²⁴', async (t) => {
  const results = fullFeatureResults();
  const lookup = plateMapLookup([]);
  const plates = [...accumulate(results).plates(lookup)];
  t.same(
    plates.map((wells) => [...new Set(wells.map((w) => w.plate))]),
    [['P1'], ['P2']],
    'one plate at a time',
  );
  const medians = sameWells(t, plates.flat(), aggregateWells(results, lookup));
  t.ok(medians > 48 * 40, 'every well carries the full feature set');
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
  sameWells(t, written, old.wells);
  // The levels above the wells use well means only: identical.
  t.same(streamed.conditions, old.conditions);
  t.same(streamed.plateQc, old.plateQc);
  t.same(streamed.doseResponse, old.doseResponse);
});
