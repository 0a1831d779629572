import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { parseLambdaEndpoints } from '../../packages/adapters/src/lambda/emulator.js';
import { LOCAL_FUNCTIONS } from '../../packages/runtime/src/definition.js';
import { IMAGES } from '../lib/containers/images.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  healthcheck?: { test?: string[] | string };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

// The file's structure; `npm run test:containers` also has Debian's docker-compose parse it and builds the images.
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
} & Record<string, unknown>;
const { services } = compose;

/**
 * Compose reads `$NAME` and `${NAME}` as interpolation from the environment of `docker compose` itself; a `$` meant
 * for the container's shell is written `$$`. Anything else is rejected or silently replaced by compose.
 */
function unescapedDollar(text: string): boolean {
  return text.replaceAll('$$', '').includes('$');
}

t.test('no unescaped $ in any command, entrypoint or healthcheck', async (t) => {
  t.ok(unescapedDollar('for i in $(seq 1 60); do …; done'), 'the check sees a shell $');
  t.ok(unescapedDollar('echo $HOME'), 'and an interpolation');
  t.notOk(unescapedDollar('for i in $$(seq 1 60); do …; done'), 'an escaped $ passes');
  for (const [name, service] of Object.entries(services)) {
    const commands = [service.command, service.entrypoint, service.healthcheck?.test].flat().filter(Boolean);
    for (const command of commands as string[]) t.notOk(unescapedDollar(command), `${name}: ${command}`);
  }
});

t.test("top-level keys that Debian's docker-compose (1.29) accepts too", async (t) => {
  const allowed = new Set(['version', 'services', 'volumes', 'networks', 'configs', 'secrets']);
  const rejected = Object.keys(compose).filter((k) => !allowed.has(k) && !k.startsWith('x-'));
  t.same(rejected, [], 'e.g. no top-level `name:` (Compose v2 only)');
});

t.test('backing services: Postgres, Redis and an S3-compatible store, pinned', async (t) => {
  t.match(services.postgres?.image, /^postgres:\d+\.\d+$/);
  t.match(services.redis?.image, /^redis:\d+\.\d+\.\d+$/);
  t.match(services.s3?.image, /^chrislusf\/seaweedfs:\d+\.\d+$/);
  t.ok(services['s3-init'], 'creates the bucket');
});

t.test('Lambda services run the real images behind the emulator, with the deployed handlers', async (t) => {
  const lambdas = Object.entries(services).filter(
    ([, s]) => s.build?.dockerfile && s.build.dockerfile !== IMAGES.api.dockerfile,
  );
  t.ok(lambdas.length >= 3);
  for (const [name, service] of lambdas) {
    const image = Object.values(IMAGES).find((i) => i.dockerfile === service.build?.dockerfile);
    t.ok(image, `${name} builds one of our Dockerfiles`);
    t.equal(service.build?.context, '.', `${name}: repository root context`);
    t.ok(
      Object.values(image?.handlers ?? {}).includes(service.command?.[0] as never),
      `${name}: ${service.command?.[0]}`,
    );
    t.equal(service.environment?.S3_ENDPOINT, 'http://s3:8333', `${name}: S3 through the compose store`);
    t.match(service.environment?.DATABASE_URL, /@postgres:5432\//);
  }
});

t.test(
  'the API: local engine invoking every workflow Lambda over the emulator; S3, Redis, events shared',
  async (t) => {
    const api = services.api as Service;
    t.equal(api.build?.dockerfile, IMAGES.api.dockerfile);
    t.ok(api.ports?.includes('3000:3000'));
    const env = api.environment ?? {};
    t.notOk(env.STATE_MACHINE_ARN, 'local engine, not Step Functions');
    t.notOk(env.EVENT_BUS_NAME, 'no EventBridge');
    const endpoints = parseLambdaEndpoints(env.LAMBDA_ENDPOINTS ?? '');
    t.same(Object.keys(endpoints).sort(), Object.values(LOCAL_FUNCTIONS).sort(), 'every function of the ASL');
    for (const [fn, urls] of Object.entries(endpoints)) {
      for (const url of urls) {
        const { hostname, port } = new URL(url);
        t.equal(port, '8080', `${fn}: the emulator port`);
        t.ok(services[hostname], `${fn}: ${hostname} is a compose service`);
        t.ok(api.depends_on?.[hostname], `api waits for ${hostname}`);
      }
    }
    t.equal(env.S3_ENDPOINT, 'http://s3:8333');
    t.equal(env.S3_BUCKET, services.aggregate?.environment?.S3_BUCKET);
    t.equal(env.EVENTS_REDIS_URL, services.aggregate?.environment?.EVENTS_REDIS_URL, 'aggregator events reach the API');
    t.equal(api.depends_on?.postgres?.condition, 'service_healthy');
  },
);
