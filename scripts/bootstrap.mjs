#!/usr/bin/env node
// Installs the workspace with the pinned pnpm (via corepack) when node_modules is missing or stale,
// so `npm run demo` and `npm test` work on a fresh clone with only Node and the npm registry.
// Everything it prints goes to stderr: scripted commands keep a clean stdout.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major] = process.versions.node.split('.').map(Number);
if ((major ?? 0) < 20) {
  console.error(`platescale needs Node.js >= 20 (this is ${process.version}).`);
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager;
const stampFile = join(root, 'node_modules', '.platescale-install');
const fingerprint = createHash('sha256')
  .update(readFileSync(join(root, 'pnpm-lock.yaml')))
  .update(readFileSync(join(root, 'pnpm-workspace.yaml')))
  .update(pnpmSpec)
  .digest('hex');

const env = { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', COREPACK_ENABLE_STRICT: '0' };
const pnpm = (args) => {
  let result = spawnSync('corepack', ['pnpm', ...args], { cwd: root, env, stdio: ['ignore', 2, 2] });
  if (result.error || result.status !== 0) {
    // Node builds without corepack (Node >= 25) fall back to the same pinned pnpm through npx.
    console.error('platescale: corepack unavailable or failed, trying npx…');
    result = spawnSync('npx', ['--yes', pnpmSpec.split('+')[0], ...args], { cwd: root, env, stdio: ['ignore', 2, 2] });
  }
  return result;
};

if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== fingerprint) install();
buildWebIfStale();

function install() {
  console.error(`platescale: installing dependencies with ${pnpmSpec.split('+')[0]} (first run or lockfile changed)…`);
  const result = pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
  if (result.error || result.status !== 0) {
    console.error('platescale: dependency install failed (see above).');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, fingerprint);
}

/** The API serves the web UI from packages/web/dist: (re)build it when missing or older than its sources. */
function buildWebIfStale() {
  const web = join(root, 'packages', 'web');
  if (!existsSync(join(web, 'package.json'))) return;
  const built = join(web, 'dist', 'index.html');
  const newest = (dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((m, e) => Math.max(m, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
  const sources = ['app', 'index.html', 'vite.config.ts'].map((p) => join(web, p)).filter(existsSync);
  const sourceTime = Math.max(...sources.map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)));
  if (existsSync(built) && statSync(built).mtimeMs >= sourceTime) return;
  console.error('platescale: building the web UI…');
  const result = pnpm(['--filter', '@platescale/web', 'run', 'build']);
  if (result.error || result.status !== 0) {
    console.error('platescale: web UI build failed (see above).');
    process.exit(result.status ?? 1);
  }
}
