import { PlatescaleError } from '@platescale/shared';

/** Base of the aggregator's own errors. The class name is the Step Functions error name (Lambda errorType). */
export class AggregatorError extends PlatescaleError {}

/** The experiment's prefix holds no image whose name (or manifest entry) makes an image set. */
export class NoImageSetsError extends AggregatorError {
  constructor(prefix: string, unrecognized: number) {
    super(
      `no image sets under '${prefix}'${unrecognized > 0 ? ` (${unrecognized} keys matched no naming convention)` : ''}`,
      { code: 'no_image_sets', status: 400, details: { prefix, unrecognized } },
    );
  }
}

/**
 * No image set has an image of the job's segmentation channel: nothing could be segmented, so the job fails at
 * its first step, naming the channel and the channels that do have images.
 */
export class SegmentationChannelMissingError extends AggregatorError {
  constructor(channel: string, found: string[], prefix: string) {
    super(
      `no image of the segmentation channel '${channel}' under '${prefix}' (channels with images: ${found.join(', ') || 'none'})`,
      { code: 'segmentation_channel_missing', status: 400, details: { channel, found, prefix } },
    );
  }
}

/** ResultWriter output that is not shaped as Step Functions writes it. */
export class ResultWriterFormatError extends AggregatorError {
  constructor(key: string, reason: string) {
    super(`ResultWriter file '${key}' is malformed: ${reason}`, { code: 'result_writer_malformed', status: 500 });
  }
}
