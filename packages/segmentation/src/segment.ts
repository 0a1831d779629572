import { estimateDiameter } from './diameter.js';
import { ImageSetError } from './errors.js';
import { identifyObjects } from './identify.js';
import { classCode, instancesFromClasses, instancesFromCodes, nucleusArea } from './instances.js';
import { type ChannelImage, measureObjects, type ObjectTable } from './measure.js';
import { predict, predictStrips, type SegmentationModel, type ThresholdMethod } from './model.js';
import { normalizeImage } from './normalize.js';
import { planeRows, resample, resampledRows, rowResampler, scaledSize } from './resample.js';
import { scratch } from './scratch.js';
import { boundedCut, thresholdLi, thresholdOtsu } from './threshold.js';

/** Sizes are fractions of the typical nucleus (diameter d, area π d² / 4): nothing is in fixed pixels. */
export interface SegmentOptions {
  /** Typical nucleus diameter (px). Set, it is used as is; unset, it is estimated per image. */
  objectDiameter?: number;
  /** Objects smaller than this fraction of the typical nucleus area are dropped. */
  minAreaFraction: number;
  /** Objects larger than this many typical nucleus areas are dropped (debris, clumps that could not be split). */
  maxAreaFraction: number;
  /** Holes up to this fraction of the typical nucleus area inside an object are filled. */
  maxHoleFraction: number;
  /** Remove objects touching the image border. */
  clearBorder: boolean;
  /** 'classes' models: the interior probability a seed pixel needs (instances.ts). */
  seedProbability: number;
  /** 'classes' models: split a seed at a neck rising this fraction of d above its saddle (instances.ts; 0 = never). */
  seedDynamicFraction: number;
  /** 'classes' models: nuclei are brought to this multiple of the model's working diameter (more pixels per nucleus). */
  workingScale: number;
  /** Foreground-only models: a distance-map peak must rise this fraction of d above its saddle to seed an object. */
  minDynamicFraction: number;
  /**
   * Tile side for model inference; larger images run in overlapping tiles (the output is the same as untiled).
   * onnxruntime's arena keeps the largest tile's intermediates for the process's life: ~60 MB for 384 (464² with
   * the halo), ~100 MB for 512 (592²); 384 costs ~3 % more network time than 512 on a 1024² item.
   */
  tileSize: number;
  /** Overrides the model's threshold method (foreground-only models). */
  threshold?: ThresholdMethod;
}

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = {
  minAreaFraction: 0.1,
  maxAreaFraction: 30,
  maxHoleFraction: 0.5,
  clearBorder: false,
  seedProbability: 0.2,
  seedDynamicFraction: 0.1,
  workingScale: 1.25,
  minDynamicFraction: 0.1,
  tileSize: 384,
};

/** Nucleus diameter used when nothing else says: an empty field, a foreground-only model. */
const FALLBACK_DIAMETER = 16;
/** The diameter measured on the first pass's nuclei must be within this factor of the one it ran at. */
const RESCALE_TOLERANCE = 1.25;
/**
 * Side (px at the working scale) of the window whose nuclei check the estimate: ~20 nuclei across, enough for a
 * stable median, at a fraction of a whole large image's cost.
 */
const CHECK_WINDOW = 512;
/** Fewer whole nuclei than this in the window, and the whole image is measured instead. */
const MIN_CHECK_NUCLEI = 10;

export type DiameterSource = 'given' | 'estimated' | 'default';

export interface Segmentation {
  width: number;
  height: number;
  /** Label image, 0 = background, objects 1..count. */
  labels: Int32Array;
  objects: string;
  table: ObjectTable;
  /** The typical nucleus diameter (px) the image was segmented with, and where it came from. */
  diameter: number;
  diameterSource: DiameterSource;
  /** Foreground-only models: the threshold applied to the model's output. */
  threshold?: number;
}

/** A channel as float32: scaled by its format maximum, or normalised (normalizeImage). */
function planeOf(c: ChannelImage, width: number, height: number, normalized: boolean, index: number): Float32Array {
  if (normalized) return normalizeImage(c.data, width, height);
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

function modelInputs(model: SegmentationModel, segmentation: ChannelImage, channels: readonly ChannelImage[]) {
  const named = model.channelNames?.map((n) => channels.find((c) => c.name === n));
  const inputs = named?.every((c) => c !== undefined)
    ? (named as ChannelImage[])
    : [segmentation, ...channels.filter((c) => c !== segmentation)].slice(0, model.channels);
  if (inputs.length < model.channels) {
    throw new ImageSetError(`the model takes ${model.channels} channels, the image set has ${inputs.length}`);
  }
  return inputs;
}

/** Median equivalent diameter of labelled objects (0 without any). */
function medianObjectDiameter(labels: Int32Array, count: number): number {
  if (count === 0) return 0;
  const areas = new Float64Array(count + 1);
  for (let i = 0; i < labels.length; i++) if (labels[i]! > 0) areas[labels[i]!]!++;
  const d = Array.from(areas.subarray(1), (a) => 2 * Math.sqrt(a / Math.PI)).sort((a, b) => a - b);
  const mid = d.length >> 1;
  return d.length % 2 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
}

/** The image's size at the model's working scale (nuclei of `diameter` px made the model's) and its rows there. */
function workingScale(
  model: SegmentationModel,
  inputs: Float32Array[],
  width: number,
  height: number,
  diameter: number,
) {
  const size = scaledSize(width, height, model.diameter! / diameter);
  const rows = inputs.map((p) => resampledRows(planeRows(p, width), width, height, size.width, size.height));
  return { size, rows };
}

/** A 'classes' model's output planes with the image brought to the model's working scale (nuclei of `diameter` px). */
async function workingScalePlanes(
  model: SegmentationModel,
  inputs: Float32Array[],
  width: number,
  height: number,
  diameter: number,
  tileSize: number,
  keep?: readonly number[],
) {
  const { size, rows } = workingScale(model, inputs, width, height, diameter);
  return { size, planes: await predict(model, rows, size.width, size.height, tileSize, keep) };
}

/**
 * Class codes (classCode) at the image's size from working-scale interior and boundary rows pushed in order: each
 * image row is written as soon as the rows it reads are in, so a plane made in strips is never whole.
 */
function classCodeWriter(
  from: { width: number; height: number },
  width: number,
  height: number,
  seedProbability: number,
) {
  const codes = new Uint16Array(width * height);
  const interior = rowResampler(from.width, from.height, width, height);
  const boundary = rowResampler(from.width, from.height, width, height);
  let y = 0;
  const push = (interiorRow: Float32Array, boundaryRow: Float32Array) => {
    interior.push(interiorRow);
    boundary.push(boundaryRow);
    for (; y < height && interior.ready(y); y++) {
      const i = interior.row(y);
      const b = boundary.row(y);
      for (let x = 0; x < width; x++) codes[y * width + x] = classCode(i[x]!, b[x]!, seedProbability);
    }
  };
  return { codes, push };
}

/**
 * Every class plane of a 'classes' model at the image's own size (previews, training metrics): inputs as the model
 * takes them (normalised), run at the segmenter's working scale for nuclei of `diameter` px (estimated when undefined).
 */
export async function classPlanes(
  model: SegmentationModel,
  inputs: Float32Array[],
  width: number,
  height: number,
  diameter: number | undefined,
  tileSize = DEFAULT_SEGMENT_OPTIONS.tileSize,
): Promise<Float32Array[]> {
  const d = diameter ?? estimateDiameter(inputs[0]!, width, height).diameter ?? model.diameter!;
  const at = d / DEFAULT_SEGMENT_OPTIONS.workingScale;
  const { size, planes } = await workingScalePlanes(model, inputs, width, height, at, tileSize);
  return planes.map((p) => resample(p, size.width, size.height, width, height));
}

/** A window of planar images. */
interface Window {
  inputs: Float32Array[];
  width: number;
  height: number;
}

/**
 * The side × side window of the image with the most signal (of a 3 × 3 grid of candidates), or undefined when the
 * window would hold most of the image anyway. The brightest window, not the centre: a field's nuclei may crowd one
 * side, and the window must hold enough of them to measure.
 */
function checkWindow(inputs: Float32Array[], width: number, height: number, side: number): Window | undefined {
  if (side * side * 2 > width * height || (side >= width && side >= height)) return undefined;
  const w = Math.min(side, width);
  const h = Math.min(side, height);
  const plane = inputs[0]!;
  let best = { x: 0, y: 0, signal: -Infinity };
  for (let gy = 0; gy < 3; gy++) {
    const y0 = Math.round(((height - h) * gy) / 2);
    for (let gx = 0; gx < 3; gx++) {
      const x0 = Math.round(((width - w) * gx) / 2);
      let signal = 0;
      for (let y = y0; y < y0 + h; y++) for (let i = y * width + x0, e = i + w; i < e; i++) signal += plane[i]!;
      if (signal > best.signal) best = { x: x0, y: y0, signal };
    }
  }
  const crop = (p: Float32Array) => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++)
      out.set(p.subarray((best.y + y) * width + best.x, (best.y + y) * width + best.x + w), y * w);
    return out;
  };
  return { inputs: inputs.map(crop), width: w, height: h };
}

/** One 'classes' pass over an image at a diameter: the interior and boundary planes at the working scale. */
interface ClassPass {
  size: { width: number; height: number };
  interior: Float32Array;
  boundary: Float32Array;
}

/** What diameterByClasses and segmentByClasses share: the planes read, instance options, a pass, and its nuclei. */
function classPasses(model: SegmentationModel, options: SegmentOptions) {
  const working = model.diameter!;
  const classes = model.classes!;
  /** The output planes a pass reads: interior, boundary. */
  const keep = [classes.indexOf('interior'), classes.indexOf('boundary')];
  const instanceOptions = (diameter: number) => ({
    diameter,
    minAreaFraction: options.minAreaFraction,
    maxAreaFraction: options.maxAreaFraction,
    maxHoleFraction: options.maxHoleFraction,
    clearBorder: options.clearBorder,
    seedProbability: options.seedProbability,
    seedDynamicFraction: options.seedDynamicFraction,
  });
  const run = async (image: Window, diameter: number): Promise<ClassPass> => {
    const { size, planes } = await workingScalePlanes(
      model,
      image.inputs,
      image.width,
      image.height,
      diameter / options.workingScale,
      options.tileSize,
      keep,
    );
    return { size, interior: planes[0]!, boundary: planes[1]! };
  };
  /** The nuclei of a pass at `diameter`: their count and median diameter in the image's pixels. */
  const measure = (pass: ClassPass, diameter: number, clearBorder: boolean) => {
    const scaled = working * options.workingScale;
    const { labels, count } = instancesFromClasses(pass.interior, pass.boundary, pass.size.width, pass.size.height, {
      ...instanceOptions(scaled),
      clearBorder,
      // Only the nuclei's typical size is read from this pass: no seed splitting needed.
      seedDynamicFraction: 0,
    });
    return { count, diameter: (medianObjectDiameter(labels, count) * diameter) / scaled };
  };
  return { keep, instanceOptions, run, measure };
}

/**
 * The nucleus diameter a 'classes' model segments an image at, and where it came from: the given one, else the blob
 * estimate checked by the model's own nuclei on a window of the image (the whole image when small or when the window
 * holds too few); if they measure otherwise by more than RESCALE_TOLERANCE, theirs. `pass` is the whole image's pass
 * when one was run at that diameter.
 */
async function diameterByClasses(
  model: SegmentationModel,
  image: Window,
  options: SegmentOptions,
  { run, measure } = classPasses(model, options),
): Promise<{ diameter: number; source: DiameterSource; pass?: ClassPass }> {
  if (options.objectDiameter !== undefined) return { diameter: options.objectDiameter, source: 'given' };
  const working = model.diameter!;
  const { inputs, width, height } = image;
  const estimate = estimateDiameter(inputs[0]!, width, height).diameter;
  let source: DiameterSource = estimate === undefined ? 'default' : 'estimated';
  let diameter = estimate ?? working;
  const side = Math.round((CHECK_WINDOW * diameter) / (working * options.workingScale));
  const window = checkWindow(inputs, width, height, side);
  let pass: ClassPass | undefined;
  // Nuclei cut by the window's edge would read small: only whole ones are measured.
  let measured = window ? measure(await run(window, diameter), diameter, true) : undefined;
  if (!measured || measured.count < MIN_CHECK_NUCLEI) {
    pass = await run(image, diameter);
    measured = measure(pass, diameter, options.clearBorder);
  }
  if (measured.count > 0) {
    source = 'estimated';
    if (Math.abs(Math.log(measured.diameter / diameter)) > Math.log(RESCALE_TOLERANCE)) {
      diameter = measured.diameter;
      pass = undefined;
    }
  }
  return { diameter, source, pass };
}

/**
 * The nucleus diameter (px) a 'classes' model segments these inputs (as the model takes them: normalised) at, as
 * segmentImageSet picks it: teaching brings its images to the working scale by the same diameter.
 */
export async function classesDiameter(
  model: SegmentationModel,
  inputs: Float32Array[],
  width: number,
  height: number,
  options: SegmentOptions,
): Promise<{ diameter: number; source: DiameterSource }> {
  const { diameter, source } = await diameterByClasses(model, { inputs, width, height }, options);
  return { diameter, source };
}

/**
 * The class codes of an image at its own size, from a whole-image pass already run at `diameter`, else from the
 * final pass: it runs strip by strip (a row of tiles), its input made and its output resampled back as the tiles
 * go, so no plane of the working size exists, and none of the image's size in float.
 */
async function classCodes(
  model: SegmentationModel,
  image: Window,
  pass: ClassPass | undefined,
  diameter: number,
  options: SegmentOptions,
  keep: readonly number[],
): Promise<Uint16Array> {
  const { inputs, width, height } = image;
  if (pass) {
    const writer = classCodeWriter(pass.size, width, height, options.seedProbability);
    const interior = planeRows(pass.interior, pass.size.width);
    const boundary = planeRows(pass.boundary, pass.size.width);
    for (let y = 0; y < pass.size.height; y++) writer.push(interior(y), boundary(y));
    return writer.codes;
  }
  const { size, rows } = workingScale(model, inputs, width, height, diameter / options.workingScale);
  const writer = classCodeWriter(size, width, height, options.seedProbability);
  await predictStrips(model, rows, size.width, size.height, options.tileSize, keep, ([interior, boundary], _, n) => {
    const i = planeRows(interior!, size.width);
    const b = planeRows(boundary!, size.width);
    for (let y = 0; y < n; y++) writer.push(i(y), b(y));
  });
  return writer.codes;
}

/**
 * A 'classes' model (background / interior / boundary) at its working scale: the image is resampled so that its
 * nuclei have the model's diameter (diameterByClasses), the class planes come back at the image's size as class
 * codes, and nuclei are the seeded regions of instances.ts.
 */
async function segmentByClasses(
  model: SegmentationModel,
  inputs: Float32Array[],
  width: number,
  height: number,
  options: SegmentOptions,
): Promise<{ labels: Int32Array; count: number; diameter: number; source: DiameterSource }> {
  const image = { inputs, width, height };
  const passes = classPasses(model, options);
  const chosen = await diameterByClasses(model, image, options, passes);
  const { diameter, source } = chosen;
  const codes = await classCodes(model, image, chosen.pass, diameter, options, passes.keep);
  // The working-scale planes of a whole-image check pass are garbage from here on.
  chosen.pass = undefined;
  const found = instancesFromCodes(codes, width, height, passes.instanceOptions(diameter));
  return { ...found, diameter, source };
}

/**
 * Segments one image set: the model runs on `segmentation` (plus further channels if it takes several: the
 * ones its metadata names, else the others in image-set order). A 'classes' model separates nuclei by its
 * boundary class at its working scale (segmentByClasses); a foreground model's map is thresholded and touching
 * objects split on the distance map. Every object is then measured on every channel.
 */
export async function segmentImageSet(
  model: SegmentationModel,
  segmentation: ChannelImage,
  channels: readonly ChannelImage[],
  width: number,
  height: number,
  options: SegmentOptions,
): Promise<Segmentation> {
  const normalized = model.input === 'normalized';
  const inputs = modelInputs(model, segmentation, channels).map((c, i) => planeOf(c, width, height, normalized, i));
  if (model.output === 'classes') {
    const { labels, count, diameter, source } = await segmentByClasses(model, inputs, width, height, options);
    const table = measureObjects(labels, count, width, height, channels);
    return { width, height, labels, objects: model.objects, table, diameter, diameterSource: source };
  }
  let diameter = options.objectDiameter;
  let diameterSource: DiameterSource = 'given';
  if (diameter === undefined) {
    const estimate = estimateDiameter(normalizeImage(segmentation.data, width, height), width, height).diameter;
    diameterSource = estimate === undefined ? 'default' : 'estimated';
    diameter = estimate ?? FALLBACK_DIAMETER;
  }
  const [map] = await predict(model, inputs, width, height, options.tileSize);
  const threshold = foregroundCut(model, map!, options.threshold ?? model.threshold);
  const area = nucleusArea(diameter);
  const { labels, count } = identifyObjects(map!, width, height, threshold, {
    minArea: options.minAreaFraction * area,
    maxArea: options.maxAreaFraction * area,
    maxHoleArea: options.maxHoleFraction * area,
    clearBorder: options.clearBorder,
    minDynamic: options.minDynamicFraction * diameter,
  });
  const table = measureObjects(labels, count, width, height, channels);
  return { width, height, labels, objects: model.objects, table, diameter, diameterSource, threshold };
}
