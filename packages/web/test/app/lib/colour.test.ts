import t from 'tap';
import { colourScale, textColourOn } from '../../../app/lib/colour.js';

t.test('sequential scale: viridis from min to max, clamped', async (t) => {
  const s = colourScale([10, 20, 30, Number.NaN], 'sequential');
  t.equal(s.min, 10);
  t.equal(s.max, 30);
  t.equal(s.colour(10), 'rgb(68, 1, 84)');
  t.equal(s.colour(30), 'rgb(253, 231, 37)');
  t.equal(s.colour(-5), s.colour(10), 'below the domain clamps');
  t.match(s.gradient(), /^rgb\(68, 1, 84\) 0%.*rgb\(253, 231, 37\) 100%$/);
});

t.test('diverging scale is symmetric around 0, white in the middle', async (t) => {
  const s = colourScale([-1, 3], 'diverging');
  t.equal(s.min, -3);
  t.equal(s.max, 3);
  t.equal(s.colour(0), 'rgb(247, 247, 247)');
});

t.test('a constant feature still has a domain; no values give a default one', async (t) => {
  t.same([colourScale([5, 5], 'sequential').min, colourScale([5, 5], 'sequential').max], [5, 6]);
  t.same([colourScale([], 'sequential').min, colourScale([], 'sequential').max], [0, 1]);
});

t.test('text colour contrasts with the fill', async (t) => {
  t.equal(textColourOn('rgb(253, 231, 37)'), '#000');
  t.equal(textColourOn('rgb(68, 1, 84)'), '#fff');
});
