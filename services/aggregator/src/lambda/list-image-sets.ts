import type { AnalysisInput, ManifestResult } from '@platescale/shared';
import { createListImageSetsHandler } from '../list/list-image-sets.js';
import { logger, objects } from './deps.js';

const listImageSets = createListImageSetsHandler({ objects });

/** Step Functions Task ListImageSets (lambda:invoke, Payload = the execution input). */
export async function handler(input: AnalysisInput): Promise<ManifestResult> {
  const result = await listImageSets(input);
  logger.info('image sets listed', {
    jobId: input.jobId,
    imageSets: result.imageSets,
    unrecognized: result.unrecognized.length,
  });
  return result;
}
