import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createObjectStore } from '@platescale/adapters';
import { openConfiguredDatabase, tables } from '@platescale/db';
import { DEFAULT_MODEL_PATH, ModelCache } from '@platescale/segmentation';
import { loadConfig, ValidationError } from '@platescale/shared';
import t from 'tap';
import { loadModelRef } from '../../src/lib/model-ref.js';

t.test('--model resolves a file, an object key, a registered model id, or says what it is not', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'platescale-model-ref-'));
  const schema = `t_${randomBytes(4).toString('hex')}`;
  const saved = { ...process.env };
  process.env.PLATESCALE_HOME = home;
  if (process.env.DATABASE_URL) process.env.DATABASE_SCHEMA = schema;
  t.teardown(async () => {
    process.env = saved;
    await rm(home, { recursive: true, force: true });
  });
  const cache = new ModelCache();
  const bytes = await readFile(DEFAULT_MODEL_PATH);

  t.ok(await loadModelRef(undefined, cache), 'nothing → the default model');
  t.ok(await loadModelRef(fileURLToPath(DEFAULT_MODEL_PATH), cache), 'a file');

  const config = loadConfig();
  await createObjectStore(config).put('models/t/abc.onnx', bytes);
  t.ok(await loadModelRef('models/t/abc.onnx', cache), 'an object key in the configured store');

  const database = await openConfiguredDatabase(config);
  await database.db.insert(tables.models).values({
    id: 'mdl_test',
    name: 'nuclei',
    version: 1,
    sha256: 'abc',
    objectKey: 'models/t/abc.onnx',
    sizeBytes: bytes.length,
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    foregroundClass: 'nucleus',
    architecture: {} as never,
    trainingImages: [],
    labelCounts: {},
    metrics: {} as never,
  });
  await database.close();
  t.ok(await loadModelRef('mdl_test', cache), 'a registered model id');

  await t.rejects(loadModelRef('mdl_nope', cache), ValidationError);
  await t.rejects(loadModelRef('mdl_nope', cache), /not a file, an object key or a registered model id/);
  if (process.env.DATABASE_URL) {
    const cleanup = await openConfiguredDatabase(loadConfig());
    await cleanup.db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await cleanup.close();
  }
});
