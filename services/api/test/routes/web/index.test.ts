import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { webRoutes } from '../../../src/routes/web/index.js';

async function serve(t: Test, distDir: string) {
  const app = Fastify();
  await app.register(webRoutes, { distDir });
  t.teardown(() => app.close());
  return app;
}

t.test('without a build, / answers a clear 503 page instead of failing', async (t) => {
  const app = await serve(t, join(t.testdir(), 'dist'));
  const res = await app.inject('/');
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /^text\/html/);
  t.match(res.payload, /npm run build:web/);
});

t.test('the built page at / with its own CSP, hashed assets cached for good', async (t) => {
  const dist = t.testdir();
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>platescale</title>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = await serve(t, dist);

  const page = await app.inject('/');
  t.equal(page.statusCode, 200);
  t.match(page.payload, /<title>platescale<\/title>/);
  t.match(page.headers['content-security-policy'], /img-src 'self' data: blob:/);
  t.equal(page.headers['cache-control'], 'no-cache');

  const asset = await app.inject('/assets/index-abc123.js');
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['cache-control'], /immutable/);
  t.equal((await app.inject('/assets/missing.js')).statusCode, 404);
});
