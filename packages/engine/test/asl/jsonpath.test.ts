import t from 'tap';
import { readPath, writePath } from '../../src/asl/jsonpath.js';
import { statesErrorOf } from '../helpers/states-error.js';

t.test('readPath: fields, brackets, indices, wildcards; a missing path is States.Runtime', async (t) => {
  const data = { a: { 'b-c': [1, { d: 2 }] }, list: [{ x: 1 }, { x: 2 }] };
  t.equal(readPath(data, '$'), data);
  t.equal(readPath(data, "$.a['b-c'][1].d"), 2);
  t.equal(readPath(data, '$.a.b-c[-1].d'), 2);
  t.same(readPath(data, '$.list[*].x'), [1, 2]);
  t.same(readPath({ v: [0, 10, 20, 30, 40, 50] }, '$.v[-3:]'), [30, 40, 50]);
  t.same(readPath({ v: [0, 10, 20, 30] }, '$.v[1:3]'), [10, 20]);
  t.equal(await statesErrorOf(() => readPath(data, '$.nope')), 'States.Runtime');
  t.equal(await statesErrorOf(() => readPath(data, '$..x')), 'States.Runtime');
});

t.test('writePath copies, creates objects on the way and never mutates the input', async (t) => {
  const input = { a: { keep: 1 } };
  t.same(writePath(input, '$.a.b.c', 5), { a: { keep: 1, b: { c: 5 } } });
  t.same(input, { a: { keep: 1 } });
  t.equal(writePath(input, '$', 7), 7);
  t.equal(await statesErrorOf(() => writePath({ a: 1 }, '$.a.b', 2)), 'States.Runtime');
});
