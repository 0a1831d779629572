import { readFileSync } from 'node:fs';
import t from 'tap';
import { IMAGES, type ImageName } from '../../lib/containers/images.js';

const repo = new URL('../../../', import.meta.url);

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** A Dockerfile's stages, with `FROM ${ARG}` resolved to the ARG's default and continuation lines joined. */
function parse(text: string): Stage[] {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const arg = /^ARG (\w+)=(\S+)/.exec(trimmed);
    if (arg && stages.length === 0) args.set(arg[1] as string, arg[2] as string);
    const from = /^FROM (\S+)(?: AS (\w+))?/i.exec(trimmed);
    if (from) {
      const image = (from[1] as string).replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? name);
      stages.push({ from: image, ...(from[2] ? { name: from[2] } : {}), lines: [] });
    } else stages.at(-1)?.lines.push(trimmed);
  }
  return stages;
}

for (const [name, image] of Object.entries(IMAGES) as [ImageName, (typeof IMAGES)[ImageName]][]) {
  t.test(`${image.dockerfile}`, async (t) => {
    const text = readFileSync(new URL(image.dockerfile, repo), 'utf8');
    const stages = parse(text);
    const final = stages.at(-1) as Stage;
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    t.ok(stages.length >= 3, 'multi-stage');
    for (const stage of stages) {
      if (names.has(stage.from)) continue;
      const tag = stage.from.split(':')[1] ?? '';
      t.match(tag, /^\d+\.\d+\.\d+/, `${stage.from}: base image pinned to a full version`);
    }
    // CI builds these files unchanged on stand-in bases: the base image must be the one argument that differs.
    const bases = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] as string).filter((f) => !names.has(f));
    t.same([...new Set(bases)], [`\${${image.baseImageArg}}`], `every base image is \${${image.baseImageArg}}`);
    const runs = stages.flatMap((s) => s.lines.filter((l) => l.startsWith('RUN ')));
    t.notOk(
      runs.some((l) => /\b(find|xargs)\b/.test(l)),
      'no find/xargs (the Lambda base image, AL2023-minimal, has no findutils)',
    );
    t.notOk(/^ADD\s.*https?:/m.test(text), 'no download at build time (unpinned, and CI has no internet)');
    if (name === 'api') t.match(final.from, /^node:22\.\d+\.\d+-bookworm-slim$/);
    else t.match(final.from, /^public\.ecr\.aws\/lambda\/nodejs:/, 'AWS Lambda Node.js base image (with the RIE)');

    const user = final.lines.filter((l) => l.startsWith('USER ')).at(-1);
    t.ok(user, 'sets USER');
    t.notMatch(user ?? 'USER root', /^USER (root|0)(:|$)/, 'not root');

    // The runtime stage copies only the prod-only dependency tree and the staged code, never the build context
    // (the API image also gets the RDS certificate authorities).
    const copies = final.lines.filter((l) => /^(COPY|ADD) /.test(l));
    for (const copy of copies) {
      if (name === 'api' && copy.startsWith('COPY infra/certs/')) {
        t.equal(copy, 'COPY infra/certs/rds-global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem');
      } else t.match(copy, /^COPY --from=(deps \/deps\/|build \/staged\/) /, copy);
    }
    const deps = stages.find((s) => s.name === 'deps');
    const install = deps?.lines.find((l) => l.includes('pnpm install')) ?? '';
    t.match(install, /--prod\b/, 'dependencies installed without devDependencies');
    t.match(install, /--frozen-lockfile/);
    t.match(install, /--offline/, "from the store that the toolchain stage's `pnpm fetch` filled");
    for (const root of image.rootPackages) t.ok(install.includes(`--filter "${root}..."`), `only ${root} and its deps`);
    t.same(
      deps?.lines.filter((l) => l.startsWith('COPY ')),
      ['COPY --from=manifests /manifests/ ./'],
      'deps: from the manifests alone, so that a change to code keeps the install cached',
    );
    const build = stages.find((s) => s.name === 'build');
    const buildInstall = build?.lines.findIndex((l) => l.includes('pnpm install')) ?? -1;
    t.ok(
      buildInstall >= 0 && buildInstall < (build?.lines.indexOf('COPY . .') ?? -1),
      'build: its install comes before the sources',
    );
    t.ok(
      build?.lines.some((l) => l.includes(`infra/bin/stage-image.ts ${name} /staged`)),
      'code staged by infra/bin/stage-image.ts',
    );

    const cmd = final.lines.filter((l) => l.startsWith('CMD ')).at(-1) ?? '';
    const command = JSON.parse(cmd.slice(4)) as string[];
    if (name === 'api') t.same(command, IMAGES.api.command);
    else t.ok(Object.values(image.handlers).includes(command[0] as never), `default CMD ${command[0]} is a handler`);
  });
}

t.test('.dockerignore keeps node_modules and build output out of the context', async (t) => {
  const ignore = readFileSync(new URL('.dockerignore', repo), 'utf8').split('\n');
  for (const entry of ['**/node_modules', '**/cdk.out', '.git']) t.ok(ignore.includes(entry), entry);
});
