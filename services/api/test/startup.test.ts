import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

/** Packages the API loads where a feature is first used, never at start: hundreds of MB of RSS together. */
const HEAVY = ['@platescale/trainer', '@platescale/segmentation', '@tensorflow/tfjs', 'onnxruntime-node', 'sharp'];

/** Module resolution hooks (node:module register) that print every bare specifier resolved to stderr. */
const HOOKS = `export async function resolve(specifier, context, next) {
  if (!/^[./]|^node:|^file:|^data:/.test(specifier)) process.stderr.write('RESOLVED ' + specifier + '\\n');
  return next(specifier, context);
}`;

t.test('importing the API and the database package loads no trainer, segmenter, sharp or PGlite', async (t) => {
  const hooks = `data:text/javascript,${encodeURIComponent(HOOKS)}`;
  const app = new URL('../src/index.ts', import.meta.url).href;
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(hooks)});
    const { buildApp } = await import(${JSON.stringify(app)});
    const db = await import('@platescale/db');
    process.stderr.write(typeof buildApp + typeof db.openDatabase + '\\n');
  `;
  const { stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    },
  );
  t.match(stderr, /functionfunction/, 'the API module graph loaded');
  const loaded = new Set([...stderr.matchAll(/^RESOLVED (.+)$/gm)].map((m) => m[1]));
  t.ok(loaded.has('fastify'), 'the hooks saw the graph');
  for (const name of [...HEAVY, '@electric-sql/pglite']) t.notOk(loaded.has(name), `${name} is not loaded at start`);
});
