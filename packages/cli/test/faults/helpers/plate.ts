import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tenantImageRoot } from '@platescale/shared';
import { type GroundTruth, writePlate } from '@platescale/synthetic';
import { ok } from './api.js';
import { type Scenario, TENANT } from './scenario.js';

const ROWS = 'ABCDEFGH';

export interface Plate {
  experimentId: string;
  prefix: string;
  truth: GroundTruth;
  /** Image sets (one per well and field): what the job's image rows must number. */
  imageSets: number;
  wells: number;
}

/**
 * A small synthetic plate (128² fields, 2 channels) written straight into the scenario's object store, where a lab
 * system's uploads land: the real segmenter handles one field in milliseconds, so scenarios are about orchestration.
 */
export async function writeSmallPlate(
  s: Scenario,
  opts: { experimentId?: string; wells: number; fields: number; seed?: number },
): Promise<Plate> {
  const experimentId = opts.experimentId ?? 'exp1';
  const wells = Array.from(
    { length: opts.wells },
    (_, i) => `${ROWS[Math.floor(i / 12)]}${String((i % 12) + 1).padStart(2, '0')}`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'faults-plate-'));
  try {
    const truth = await writePlate(dir, { plate: 'F1', wells, fields: opts.fields, size: 128, seed: opts.seed ?? 3 });
    const prefix = `${tenantImageRoot(TENANT)}experiments/${experimentId}/`;
    for (const name of await readdir(dir)) {
      if (name.endsWith('.tif')) await s.objects.put(`${prefix}${name}`, await readFile(join(dir, name)));
    }
    return { experimentId, prefix, truth, imageSets: truth.fields.length, wells: wells.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The experiment as a lab system registers it (ImageXpress names under the tenant's image folder). */
export function experimentBody(plate: Plate) {
  return {
    experimentId: plate.experimentId,
    plateFormat: 96,
    imagePrefix: plate.prefix,
    naming: 'auto',
    channels: ['DNA', 'CellStain'],
  };
}

/** Registers the plate's experiment and starts a job on it (DNA segmented); `job` adds to or overrides the body. */
export async function registerAndStartJob(
  url: string,
  key: string,
  plate: Plate,
  job: Record<string, unknown>,
): Promise<string> {
  await ok(url, key, 'POST', '/v1/experiments', experimentBody(plate));
  const { jobId } = await ok<{ jobId: string }>(url, key, 'POST', '/v1/jobs', {
    experimentId: plate.experimentId,
    segmentationChannel: 'DNA',
    ...job,
  });
  return jobId;
}
