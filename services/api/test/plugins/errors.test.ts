import t from 'tap';
import { unreachableDependency } from '../../src/plugins/errors.js';

t.test('a database that went away is recognised anywhere in the cause chain', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  t.equal(unreachableDependency(new Error('Failed query: select …', { cause: refused })), 'ECONNREFUSED');
  t.equal(unreachableDependency(Object.assign(new Error('terminating connection'), { code: '57P01' })), '57P01');
  t.equal(unreachableDependency(new Error('Connection terminated unexpectedly')), 'Connection terminated unexpectedly');
  t.equal(unreachableDependency(Object.assign(new Error('duplicate key'), { code: '23505' })), undefined);
  t.equal(unreachableDependency(new Error('boom')), undefined);
});
