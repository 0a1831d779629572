import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ValidationError } from '@platescale/shared';
import t from 'tap';
import { LambdaFunctionError } from '../../src/errors.js';
import { createEmulatorInvoker, createEmulatorInvokers, parseLambdaEndpoints } from '../../src/lambda/emulator.js';

/** A stand-in for the Runtime Interface Emulator: records payloads, answers per `reply`. */
async function fakeEmulator(t: { teardown(fn: () => unknown): void }, reply: (payload: unknown) => unknown) {
  let active = 0;
  let maxActive = 0;
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      paths.push(`${req.method} ${req.url}`);
      await new Promise((r) => setTimeout(r, 20));
      const out = reply(JSON.parse(body));
      active--;
      res.end(typeof out === 'string' ? out : JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, paths, maxActive: () => maxActive };
}

t.test('invokes over the emulator HTTP API, one invocation per container at a time', async (t) => {
  const emu = await fakeEmulator(t, (p) => ({ echo: p }));
  const invoke = createEmulatorInvoker([emu.url]);
  const results = await Promise.all([1, 2, 3].map((n) => invoke({ n })));
  t.same(results, [{ echo: { n: 1 } }, { echo: { n: 2 } }, { echo: { n: 3 } }]);
  t.same(emu.paths, Array(3).fill('POST /2015-03-31/functions/function/invocations'));
  t.equal(emu.maxActive(), 1, 'serialised per container');
});

t.test('several containers run in parallel', async (t) => {
  const a = await fakeEmulator(t, () => 'null');
  const b = await fakeEmulator(t, () => 'null');
  const invoke = createEmulatorInvoker([a.url, b.url]);
  t.same(await Promise.all([1, 2, 3, 4].map(() => invoke({}))), [null, null, null, null]);
  t.equal(a.paths.length + b.paths.length, 4);
  t.ok(a.paths.length > 0 && b.paths.length > 0);
});

t.test('function errors, crashes and unreachable containers are named as Lambda names them', async (t) => {
  const emu = await fakeEmulator(t, (p) =>
    (p as { crash?: boolean }).crash
      ? ''
      : { errorType: 'UnavailableError', errorMessage: 'S3 is down', trace: ['UnavailableError: S3 is down'] },
  );
  const invoke = createEmulatorInvoker([emu.url]);
  await t.rejects(invoke({}), { name: 'UnavailableError', message: 'S3 is down' });
  await t.rejects(invoke({ crash: true }), { name: 'Runtime.ExitError' });
  const unreachable = await createEmulatorInvoker(['http://127.0.0.1:1'])({}).catch((e: unknown) => e);
  t.ok(unreachable instanceof LambdaFunctionError);
  t.equal((unreachable as Error).name, 'Lambda.ServiceException');
  const ok = await fakeEmulator(t, () => ({ errorType: 'x', errorMessage: 'y', results: [] }));
  t.same(
    await createEmulatorInvoker([ok.url])({}),
    { errorType: 'x', errorMessage: 'y', results: [] },
    'a result is not an error',
  );
});

t.test('LAMBDA_ENDPOINTS parsing', async (t) => {
  t.same(
    parseLambdaEndpoints('platescale-segmenter=http://s1:8080|http://s2:8080,platescale-aggregator=http://a:8080'),
    {
      'platescale-segmenter': ['http://s1:8080', 'http://s2:8080'],
      'platescale-aggregator': ['http://a:8080'],
    },
  );
  t.throws(() => parseLambdaEndpoints('nourl'), ValidationError);
  t.throws(() => parseLambdaEndpoints('x=ftp://a'), ValidationError);
  t.same(Object.keys(createEmulatorInvokers('a=http://h:1,b=http://h:2')), ['a', 'b']);
});
