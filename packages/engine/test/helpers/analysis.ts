import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ImageSet, ObjectStore } from '@platescale/shared';

export const ANALYSIS_ASL = fileURLToPath(new URL('../../../../infra/statemachine/analysis.asl.yaml', import.meta.url));

export const SUBSTITUTIONS = {
  ListImageSetsFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:list-image-sets',
  SegmenterFunctionArn: 'segmenter',
  AggregatorFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:aggregator',
};

export function imageSets(n: number): ImageSet[] {
  return Array.from({ length: n }, (_, i) => ({
    plate: 'P1',
    well: `A${String((i % 12) + 1).padStart(2, '0')}`,
    field: i,
    images: { dna: `exp/img-${i}.tif` },
  }));
}

export function analysisInput(overrides: Record<string, unknown> = {}) {
  return {
    jobId: 'job-1',
    experiment: { experimentId: 'exp', plateFormat: 96, imagePrefix: 'exp/', channels: ['dna'], naming: 'manifest' },
    bucket: 'platescale',
    resultsPrefix: 'results/job-1/',
    segmentationChannel: 'dna',
    maxConcurrency: 4,
    batchSize: 5,
    toleratedFailurePercentage: 20,
    modelKey: null,
    objectDiameter: null,
    ...overrides,
  };
}

/** A list-image-sets fake that writes `sets` as the manifest the Map reads. */
export function fakeLister(objects: ObjectStore, sets: ImageSet[]) {
  return async (event: unknown) => {
    const e = event as { bucket: string; resultsPrefix: string };
    const manifestKey = `${e.resultsPrefix}manifest.json`;
    await objects.withBucket(e.bucket).put(manifestKey, JSON.stringify(sets));
    return { bucket: e.bucket, manifestKey, imageSets: sets.length, unrecognized: [] };
  };
}

/** Runs engine time (retry back-off, Wait states, Task timeouts) 1000× faster: 90 s of TimeoutSeconds is 90 ms. */
export const fastSleep = (ms: number, signal?: AbortSignal) => delay(ms / 1000, undefined, signal ? { signal } : {});
