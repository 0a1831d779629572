import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DATABASE_PRELOAD, handlerModule, IMAGES, type ImageName } from '../../lib/containers/images.js';
import { stageImage } from '../../lib/containers/stage.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Stages an image as its Dockerfile does, then links the workspace's node_modules the way the image's deps
 * stage lays them out (per-package symlink dirs + the root store), so plain `node` (no tsx) can load it.
 */
async function staged(t: { teardown(fn: () => unknown): void }, image: ImageName) {
  const out = await mkdtemp(join(tmpdir(), `platescale-stage-${image}-`));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const result = await stageImage(repoRoot, image, out);
  await symlink(join(repoRoot, 'node_modules'), join(out, 'node_modules'));
  for (const dir of result.packages) {
    await cp(join(repoRoot, dir, 'node_modules'), join(out, dir, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  return { out, result };
}

/** Imports modules with plain node in a child process; returns typeof each named export. */
function exportTypes(cwd: string, modules: { file: string; exportName: string }[], env: NodeJS.ProcessEnv) {
  const code = `const out = {};
for (const [file, name] of ${JSON.stringify(modules.map((m) => [m.file, m.exportName]))}) {
  out[file + '#' + name] = typeof (await import('./' + file))[name];
}
console.log(JSON.stringify(out));
process.exit(0);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr, types: JSON.parse(run.stdout.trim().split('\n').at(-1) || '{}') };
}

t.setTimeout(180_000);

t.test('segmenter image: transpiled closure, the default model, a loadable handler', async (t) => {
  const { out, result } = await staged(t, 'segmenter');
  t.ok(result.packages.includes('services/segmenter'));
  t.notOk(result.packages.includes('services/api'), 'only the segmenter closure');
  t.ok(result.assets.includes('packages/segmentation/models/nuclei-default.onnx'));
  const manifest = JSON.parse(await readFile(join(out, 'packages/shared/package.json'), 'utf8'));
  t.same(manifest.exports, { '.': './src/index.js' });
  t.notOk('devDependencies' in manifest);
  const handler = handlerModule(IMAGES.segmenter.handlers.segment);
  t.notOk(existsSync(join(out, handler.file.replace(/\.js$/, '.ts'))), 'no TypeScript shipped');
  const { types, stderr } = exportTypes(out, [handler], { PLATESCALE_HOME: join(out, '.home') });
  t.same(types, { [`${handler.file}#handler`]: 'function' }, stderr);
});

t.test('aggregator image: every handler it is deployed with exists and loads', async (t) => {
  const { out, result } = await staged(t, 'aggregator');
  t.ok(result.assets.includes('packages/db/drizzle'), 'migrations ship with the code that applies them');
  t.notOk(result.assets.includes('packages/web/dist'), 'no web UI: no Lambda serves it (omitAssets)');
  t.notOk(existsSync(join(out, 'packages/web/dist')));
  t.ok(existsSync(join(out, DATABASE_PRELOAD)), 'the DATABASE_SECRET_ARN preload CDK names');
  const handlers = Object.values(IMAGES.aggregator.handlers).map(handlerModule);
  const missing = handlers.filter((h) => !existsSync(join(out, h.file)));
  t.same(
    missing.map((h) => h.file),
    [],
    'handler modules present',
  );
  const present = handlers.filter((h) => !missing.includes(h));
  const { types, stderr } = exportTypes(out, present, { PLATESCALE_HOME: join(out, '.home') });
  t.same(types, Object.fromEntries(present.map((h) => [`${h.file}#${h.exportName}`, 'function'])), stderr);
});

t.test('api image: the CLI entry point and the state machine file', async (t) => {
  const { out, result } = await staged(t, 'api');
  t.ok(result.assets.includes('infra/statemachine/analysis.asl.yaml'), 'the local engine reads the ASL file');
  t.ok(result.assets.includes('packages/web/dist'), 'the web UI the API serves');
  t.ok(result.assets.includes('test/fixtures/example-human'), "the demo's example field");
  const shipped = await Promise.all(
    result.packages.map(async (dir) =>
      (await readdir(join(out, dir, 'src'), { recursive: true })).map((f) => join(dir, f)),
    ),
  );
  t.same(
    shipped.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
    [],
    'no TypeScript shipped (a directory that code refers to, such as its own, is not copied as an asset)',
  );
  const entry = IMAGES.api.command[1] as string;
  t.ok(existsSync(join(out, entry)), entry);
  t.ok(existsSync(join(out, DATABASE_PRELOAD)), 'the DATABASE_SECRET_ARN preload CDK names');
});
