import { decodeImage } from './decode.js';
import { ImageSetError } from './errors.js';
import type { ChannelImage } from './measure.js';
import type { SegmentationModel } from './model.js';
import { DEFAULT_SEGMENT_OPTIONS, type Segmentation, type SegmentOptions, segmentImageSet } from './segment.js';
import { type ImageMeasurements, summarize } from './summary.js';

export interface SegmenterOptions extends SegmentOptions {
  /** Images over this many pixels fail their item (decompression-bomb guard). */
  maxPixels: number;
  /** Page of multi-page TIFFs to segment. */
  page: number;
}

export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  ...DEFAULT_SEGMENT_OPTIONS,
  maxPixels: 64 * 1024 * 1024,
  page: 0,
};

/** One channel file of an image set: its channel name, a name for messages (key or path), its bytes. */
export interface ChannelFile {
  channel: string;
  file: string;
  bytes: Buffer;
}

export interface ImageSetAnalysis {
  segmentation: Segmentation;
  measurements: ImageMeasurements;
}

/**
 * Decodes every channel of an image set, checks they agree in size, segments the `segmentationChannel` and
 * measures every object on every channel: what one item of a job does, without the object store.
 */
export async function analyzeImageSet(
  model: SegmentationModel,
  files: readonly ChannelFile[],
  segmentationChannel: string,
  opts: SegmenterOptions,
): Promise<ImageSetAnalysis> {
  const seg = files.find((f) => f.channel === segmentationChannel);
  if (!seg) {
    throw new ImageSetError(
      `image set has no '${segmentationChannel}' channel (has: ${files.map((f) => f.channel).join(', ')})`,
    );
  }
  const decoded = await Promise.all(
    files.map(async (f) => ({ ...f, image: await decodeImage(f.file, f.bytes, opts) })),
  );
  const { width, height } = decoded.find((d) => d.channel === segmentationChannel)!.image;
  const odd = decoded.find((d) => d.image.width !== width || d.image.height !== height);
  if (odd) {
    throw new ImageSetError(
      `'${odd.file}' is ${odd.image.width}x${odd.image.height}, the segmentation channel is ${width}x${height}`,
    );
  }
  const channels: ChannelImage[] = decoded.map((d) => ({
    name: d.channel,
    data: d.image.data,
    scale: 1 / d.image.maxValue,
  }));
  const names = files.map((f) => f.channel);
  const segmentation = await segmentImageSet(
    model,
    channels[names.indexOf(segmentationChannel)]!,
    channels,
    width,
    height,
    opts,
  );
  return { segmentation, measurements: summarize(segmentation.table, segmentation.objects, names) };
}
