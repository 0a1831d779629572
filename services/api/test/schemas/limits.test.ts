import * as segmentation from '@platescale/segmentation';
import * as trainer from '@platescale/trainer';
import t from 'tap';
import { MAX_CLASSES, MAX_TREES, OBJECT_DIAMETER_RANGE } from '../../src/schemas/limits.js';

t.test('the schema limits are the segmentation core and trainer limits', async (t) => {
  t.same(OBJECT_DIAMETER_RANGE, segmentation.OBJECT_DIAMETER_RANGE);
  t.equal(MAX_CLASSES, trainer.MAX_CLASSES);
  t.equal(MAX_TREES, trainer.MAX_TREES);
});
