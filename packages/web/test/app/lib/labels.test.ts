import t from 'tap';
import { classColour, labelCounts, labelsToGreyRgba, stampDisc } from '../../../app/lib/labels.js';

t.test('a disc stamps hard-edged class values and reports the touched rectangle', async (t) => {
  const labels = new Uint8Array(10 * 10);
  const rect = stampDisc(labels, 10, 10, 5, 5, 2, 2);
  t.same(rect, { x: 3, y: 3, width: 5, height: 5 });
  t.equal(labels[5 * 10 + 5], 2);
  t.equal(labels[3 * 10 + 3], 0, 'corners of the box lie outside the disc');
  t.same(labelCounts(labels, 2), [0, 13]);
  stampDisc(labels, 10, 10, 5, 5, 1, 0);
  t.same(labelCounts(labels, 2), [0, 8], 'value 0 erases');
});

t.test('a disc at or beyond the border is clipped', async (t) => {
  const labels = new Uint8Array(4 * 4);
  t.same(stampDisc(labels, 4, 4, 0, 0, 1, 1), { x: 0, y: 0, width: 2, height: 2 });
  t.equal(stampDisc(labels, 4, 4, 50, 50, 2, 1), null);
});

t.test('label images for the trainer: grey k per class, opaque', async (t) => {
  t.same([...labelsToGreyRgba(Uint8Array.of(0, 3))], [0, 0, 0, 255, 3, 3, 3, 255]);
  t.same(classColour(1), classColour(8), 'colours cycle');
});
