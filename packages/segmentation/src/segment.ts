import { ImageSetError } from './errors.js';
import { identifyObjects } from './identify.js';
import { type ChannelImage, measureObjects, type ObjectTable } from './measure.js';
import { predict, type SegmentationModel, type ThresholdMethod } from './model.js';
import { scratch } from './scratch.js';
import { boundedCut, thresholdLi, thresholdOtsu } from './threshold.js';

export interface SegmentOptions {
  /** Objects smaller (pixels) are removed after declumping. */
  minArea: number;
  /** Objects larger are removed (debris, clumps that could not be split). */
  maxArea: number;
  /** Holes up to this area (pixels) inside an object are filled. */
  maxHoleArea: number;
  /** Remove objects touching the image border. */
  clearBorder: boolean;
  /** Declumping: a distance-map peak must rise this many pixels above its saddle to seed its own object. */
  minDynamic: number;
  /** Tile side for model inference; larger images run in overlapping tiles. */
  tileSize: number;
  /** Overrides the model's threshold method. */
  threshold?: ThresholdMethod;
}

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = {
  minArea: 30,
  maxArea: 100_000,
  maxHoleArea: 2000,
  clearBorder: false,
  minDynamic: 1,
  tileSize: 1024,
};

export interface Segmentation {
  width: number;
  height: number;
  /** Label image, 0 = background, objects 1..count. */
  labels: Int32Array;
  objects: string;
  table: ObjectTable;
  /** The threshold applied to the model's output. */
  threshold: number;
}

/** A channel as the model takes it: float32 in [0, 1] (a scratch view: the model reads it, then it is done). */
function unitFloat(c: ChannelImage, index: number): Float32Array {
  const scale = c.scale ?? 1;
  if (c.data instanceof Float32Array && scale === 1) return c.data;
  const out = scratch.float32(`model.input${index}`, c.data.length);
  for (let i = 0; i < out.length; i++) out[i] = c.data[i]! * scale;
  return out;
}

function foregroundCut(model: SegmentationModel, map: Float32Array, method: ThresholdMethod): number {
  if (method === 'li') return boundedCut(map, thresholdLi(map));
  if (method === 'otsu') return boundedCut(map, thresholdOtsu(map));
  return model.output === 'logits' ? Math.log(method / (1 - method)) : method;
}

/**
 * Segments one image set: the model runs on `segmentation` (plus further channels if it takes several: the
 * ones its metadata names, else the others in image-set order),
 * its output is thresholded, holes filled, touching objects split, objects outside the size range removed,
 * and every object measured on every channel.
 */
export async function segmentImageSet(
  model: SegmentationModel,
  segmentation: ChannelImage,
  channels: readonly ChannelImage[],
  width: number,
  height: number,
  options: SegmentOptions,
): Promise<Segmentation> {
  const named = model.channelNames?.map((n) => channels.find((c) => c.name === n));
  const inputs = named?.every((c) => c !== undefined)
    ? (named as ChannelImage[])
    : [segmentation, ...channels.filter((c) => c !== segmentation)].slice(0, model.channels);
  if (inputs.length < model.channels) {
    throw new ImageSetError(`the model takes ${model.channels} channels, the image set has ${inputs.length}`);
  }
  const map = await predict(model, inputs.map(unitFloat), width, height, options.tileSize);
  const threshold = foregroundCut(model, map, options.threshold ?? model.threshold);
  const { labels, count } = identifyObjects(map, width, height, threshold, options);
  const table = measureObjects(labels, count, width, height, channels);
  return { width, height, labels, objects: model.objects, table, threshold };
}
