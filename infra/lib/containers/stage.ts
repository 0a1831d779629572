import { statSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { IMAGES, type ImageName } from './images.js';

export interface StagedImage {
  /** Workspace packages staged, by repository directory. */
  packages: string[];
  /** JavaScript modules written. */
  modules: number;
  /** Files read at run time through `new URL(..., import.meta.url)`, copied at the same relative place. */
  assets: string[];
}

interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: { dependencies?: Record<string, string>; exports?: unknown; [key: string]: unknown };
}

const URL_REF = /new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/**
 * Stages an image's code: every workspace package of the image's production closure, transpiled file by
 * file (no bundling) into the same layout as the repository, with package exports pointed at the `.js` files.
 * Keeping the layout keeps every `new URL('../x', import.meta.url)` valid (migrations, the default model, the
 * state machine file); those assets are copied too. node_modules come from a production-only pnpm install.
 */
export async function stageImage(repoRoot: string, image: ImageName, outDir: string): Promise<StagedImage> {
  const workspace = await readWorkspace(repoRoot);
  const closure = workspaceClosure(workspace, IMAGES[image].rootPackages);
  const assets = new Set<string>();
  let modules = 0;
  for (const pkg of closure) {
    const srcDir = join(repoRoot, pkg.dir, 'src');
    const sources = await listSources(srcDir);
    const result = await build({
      entryPoints: sources,
      outdir: join(outDir, pkg.dir, 'src'),
      outbase: srcDir,
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
    });
    for (const file of result.outputFiles) {
      const text = file.path.endsWith('.js')
        ? rewriteUrlRefs(
            file.text,
            repoRoot,
            srcDir,
            join(srcDir, relative(join(outDir, pkg.dir, 'src'), file.path)),
            assets,
          )
        : file.text;
      await mkdir(dirname(file.path), { recursive: true });
      await writeFile(file.path, text);
      if (file.path.endsWith('.js')) modules++;
    }
    await writeFile(join(outDir, pkg.dir, 'package.json'), `${JSON.stringify(productionManifest(pkg), null, 2)}\n`);
  }
  const omit = new Set<string>(IMAGES[image].omitAssets);
  const shipped = [...assets].filter((a) => !omit.has(a)).sort();
  for (const asset of shipped) await cp(join(repoRoot, asset), join(outDir, asset), { recursive: true });
  return { packages: closure.map((p) => p.dir), modules, assets: shipped };
}

async function readWorkspace(repoRoot: string): Promise<Map<string, WorkspacePackage>> {
  const packages = new Map<string, WorkspacePackage>();
  for (const group of ['packages', 'services']) {
    for (const entry of await readdir(join(repoRoot, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = `${group}/${entry.name}`;
      const manifest = await readFile(join(repoRoot, dir, 'package.json'), 'utf8').then(JSON.parse, () => undefined);
      if (manifest?.name) packages.set(manifest.name, { name: manifest.name, dir, manifest });
    }
  }
  return packages;
}

function workspaceClosure(workspace: Map<string, WorkspacePackage>, roots: readonly string[]): WorkspacePackage[] {
  const seen = new Map<string, WorkspacePackage>();
  const visit = (name: string) => {
    const pkg = workspace.get(name);
    if (!pkg) throw new Error(`workspace package ${name} not found`);
    if (seen.has(name)) return;
    seen.set(name, pkg);
    for (const [dep, range] of Object.entries(pkg.manifest.dependencies ?? {})) {
      if (range.startsWith('workspace:')) visit(dep);
    }
  };
  roots.forEach(visit);
  return [...seen.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

async function listSources(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const name = entry.name;
    if (!entry.isFile() || !name.endsWith('.ts') || name.endsWith('.d.ts') || name.endsWith('.test.ts')) continue;
    files.push(join(entry.parentPath, name));
  }
  return files.sort();
}

/**
 * `new URL('./worker.ts', …)` names a module, now `.js`; a directory of the package's own sources (`new URL('.', …)`)
 * is already transpiled; any other target is an asset to ship alongside.
 */
function rewriteUrlRefs(text: string, repoRoot: string, srcDir: string, sourcePath: string, assets: Set<string>) {
  return text.replace(URL_REF, (match, quote: string, ref: string) => {
    if (ref.endsWith('.ts')) return match.replace(`${quote}${ref}${quote}`, `${quote}${ref.slice(0, -3)}.js${quote}`);
    const target = resolve(dirname(sourcePath), ref);
    if (!relative(srcDir, target).startsWith('..') && statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
      return match;
    }
    const inRepo = relative(repoRoot, target);
    if (inRepo.startsWith('..') || inRepo === '')
      throw new Error(`${sourcePath} refers to ${ref}, outside the repository`);
    assets.add(inRepo.split(sep).join('/').replace(/\/$/, ''));
    return match;
  });
}

function productionManifest(pkg: WorkspacePackage): Record<string, unknown> {
  const { devDependencies: _dev, scripts: _scripts, ...rest } = pkg.manifest;
  return { ...rest, exports: toJs(pkg.manifest.exports) };
}

function toJs(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\.ts$/, '.js');
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJs(v)]));
  }
  return value;
}
