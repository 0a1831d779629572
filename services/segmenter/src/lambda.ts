import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createObjectStore } from '@platescale/adapters';
import { loadConfig, type SegmentBatchEvent, type SegmentBatchResult } from '@platescale/shared';
import { createSegmentHandler } from './handler.js';

const logger = new Logger({ serviceName: 'segmenter' });
const metrics = new Metrics({ namespace: 'platescale', serviceName: 'segmenter' });
const config = loadConfig();
const segment = createSegmentHandler({
  objects: createObjectStore(config),
  options: { maxPixels: config.SEGMENTER_MAX_PIXELS },
});

/** AWS Lambda entry (container image): the Distributed Map's ItemBatcher event in, per-image results out. */
export async function handler(event: SegmentBatchEvent): Promise<SegmentBatchResult> {
  logger.appendKeys({ jobId: event.BatchInput.jobId });
  try {
    const result = await segment(event);
    const failed = result.results.filter((r) => !r.ok);
    metrics.addMetric('ImagesSegmented', MetricUnit.Count, result.results.length - failed.length);
    metrics.addMetric('ImagesFailed', MetricUnit.Count, failed.length);
    for (const f of failed) logger.warn('image set failed', { item: f });
    return result;
  } catch (err) {
    logger.error('batch failed', err as Error);
    throw err;
  } finally {
    metrics.publishStoredMetrics();
  }
}
