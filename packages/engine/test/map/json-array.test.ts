import t from 'tap';
import { parseJsonArrayElements, parseJsonLines } from '../../src/map/json-array.js';

t.test('array elements parse as JSON.parse parses the whole array', async (t) => {
  const cases = [
    '[]',
    ' [ ] ',
    '[1,2,3]',
    '[{"a":[1,{"b":"],}[{"}]},"x,y",null,true,-1.5e3]',
    '[ "esc\\"aped\\\\", "ü→✓", {"k":"\\u0022"} ]\n',
    JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ plate: 'P', well: `A${i}`, images: { DNA: `k/${i}` } }))),
  ];
  for (const text of cases) t.same(parseJsonArrayElements(Buffer.from(text)), JSON.parse(text), text.slice(0, 40));
});

t.test('not an array → undefined; malformed arrays throw', async (t) => {
  t.equal(parseJsonArrayElements(Buffer.from('{"a":1}')), undefined);
  for (const bad of ['[1,]', '[1,2', '[1] x', '[,1]', '[{]']) {
    t.throws(() => parseJsonArrayElements(Buffer.from(bad)), SyntaxError, bad);
  }
});

t.test('JSON Lines: one value per non-blank line', async (t) => {
  t.same(parseJsonLines(Buffer.from('{"a":1}\r\n\n[2]\n"x"')), [{ a: 1 }, [2], 'x']);
});
