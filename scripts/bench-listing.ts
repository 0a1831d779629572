/**
 * Lists one experiment folder of N empty image files in the filesystem object store (the embedded store) page by
 * page, 1,000 keys a page, as the list step does. The files are written once into a temporary directory (removed
 * afterwards); their directory's mtime is set an hour back, as a folder that was copied earlier.
 *
 *   npm run bench:listing -- [--files 100000] [--json FILE]
 *
 * Prints { files, listed, pages, seconds }.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFilesystemObjectStore } from '../packages/adapters/src/index.js';

const { values } = parseArgs({ options: { files: { type: 'string', default: '100000' }, json: { type: 'string' } } });
const files = Number(values.files);
const prefix = 'tenants/bench/experiments/listing/';
const root = await mkdtemp(join(tmpdir(), 'platescale-bench-listing-'));
try {
  const dir = join(root, 'bucket', prefix);
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < files; i++) {
    const plate = `P${String(Math.floor(i / 3456)).padStart(4, '0')}`;
    await writeFile(join(dir, `${plate}_A01_s${i % 3456}_w1.tif`), '');
  }
  const past = new Date(Date.now() - 3_600_000);
  await utimes(dir, past, past);

  const store = createFilesystemObjectStore(root, 'bucket');
  const started = performance.now();
  let token: string | undefined;
  let listed = 0;
  let pages = 0;
  do {
    const page = await store.list(prefix, { maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
    listed += page.objects.length;
    pages += 1;
    token = page.nextContinuationToken;
  } while (token);
  const report = { files, listed, pages, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) };
  const text = JSON.stringify(report);
  console.log(text);
  if (values.json) await writeFile(values.json, `${text}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
