/**
 * Builds the three images from the working tree on the stand-in base images (stand-in-bases.sh), with the
 * Dockerfiles as committed: the only build argument set is each Dockerfile's base image. Classic builder
 * (BuildKit would pull its Dockerfile frontend) on the host network (the npm registry). Tags
 * platescale-<image>:test and prints, per image, the build seconds and the image size:
 *   tsx scripts/containers/build-images.ts [--json FILE] [api|segmenter|aggregator …]
 * The `deps` and `build` stages are tagged too (platescale-cache/…), so that the next build reuses their installs
 * while the manifests and the lockfile are unchanged; the images older builds left untagged are removed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IMAGES, type ImageName } from '../../infra/lib/containers/images.js';
import { docker, imageBytes, testTag } from './docker.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const names = (positionals.length > 0 ? positionals : Object.keys(IMAGES)) as ImageName[];
for (const name of names) {
  if (!(name in IMAGES)) {
    process.stderr.write(`usage: build-images [--json FILE] [${Object.keys(IMAGES).join('|')} …]\n`);
    process.exit(2);
  }
}

// The stand-in bases, built or reused; the script prints NAME=ref lines.
const bases = Object.fromEntries(
  execFileSync('bash', [join(repoRoot, 'scripts/containers/stand-in-bases.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .map((line) => line.split('=') as [string, string]),
);

const logs = await mkdtemp(join(tmpdir(), 'platescale-image-build-'));
const built: Record<string, { tag: string; seconds: number; bytes: number }> = {};
let failed = false;
for (const name of names) {
  const { dockerfile, baseImageArg } = IMAGES[name];
  const base = bases[baseImageArg];
  if (!base) throw new Error(`stand-in-bases.sh printed no ${baseImageArg}`);
  const common = ['build', '--network', 'host', '-f', dockerfile, '--build-arg', `${baseImageArg}=${base}`];
  const started = performance.now();
  const steps = [
    ...['deps', 'build'].map((stage) => [
      ...common,
      '--target',
      stage,
      '-t',
      `platescale-cache/${name}-${stage}:test`,
      '.',
    ]),
    [...common, '-t', testTag(name), '.'],
  ];
  let log = '';
  let code = 0;
  for (const args of steps) {
    const out = await docker(args, { env: { DOCKER_BUILDKIT: '0' } });
    log += out.stdout + out.stderr;
    code = out.code;
    if (code !== 0) break;
  }
  const logFile = join(logs, `${name}.log`);
  await writeFile(logFile, log);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  if (code !== 0) {
    failed = true;
    const tail = (await readFile(logFile, 'utf8')).trimEnd().split('\n').slice(-60).join('\n');
    process.stderr.write(`${dockerfile}: docker build failed after ${seconds} s (log ${logFile}):\n${tail}\n`);
    continue;
  }
  built[name] = { tag: testTag(name), seconds, bytes: await imageBytes(testTag(name)) };
  process.stderr.write(`${dockerfile}: built ${testTag(name)} in ${seconds} s\n`);
}
await docker(['image', 'prune', '--force']);
if (!failed) await rm(logs, { recursive: true, force: true });

const summary = { bases, images: built };
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (values.json) await writeFile(values.json, `${JSON.stringify(summary, null, 2)}\n`);
process.exit(failed ? 1 : 0);
