import type { ImageResult } from '@platescale/shared';
import t from 'tap';
import { fitPayload } from '../src/payload.js';

const item = (i: number): ImageResult => ({
  plate: 'P',
  well: 'A01',
  field: i,
  ok: true,
  count: 10,
  meanArea: 100,
  medianArea: 90,
  meanIntensity: { DNA: 0.5 },
  features: { Count_Nuclei: 10, Mean_Nuclei_AreaShape_Area: 100, Median_Nuclei_AreaShape_Area: 90 },
  seconds: 0.1,
});
const size = (r: ImageResult[]) => JSON.stringify({ results: r }).length;

t.test('a batch that fits is returned unchanged', async (t) => {
  const results = [item(0), item(1)];
  t.equal(fitPayload(results), results);
});

t.test('over budget: medians go first, then the feature maps; counts always stay', async (t) => {
  const results = Array.from({ length: 10 }, (_, i) => item(i));
  const noMedians = fitPayload(results, size(results) - 1);
  t.notOk(JSON.stringify(noMedians).includes('Median_'));
  t.match(noMedians[0], { count: 10, features: { Mean_Nuclei_AreaShape_Area: 100 } });
  const bare = fitPayload(results, size(noMedians) - 1);
  t.notOk('features' in bare[0]!);
  t.match(bare[0], { ok: true, count: 10, meanArea: 100 });
});
