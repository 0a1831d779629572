import { createHash } from 'node:crypto';
import { readModelMetadata } from '@platescale/onnx';
import ort from 'onnxruntime-node';
import { ModelContractError } from './errors.js';
import { MODEL_METADATA } from './metadata.js';

export type ThresholdMethod = number | 'li' | 'otsu';

/** A loaded model plus what its metadata says about reading its output. */
export interface SegmentationModel {
  /** sha256 of the model bytes (first 16 hex digits). */
  id: string;
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
  /** Channels the model wants (its input's C; 1 when dynamic). */
  channels: number;
  /** Their names, when the model declares them: image-set channels of these names are fed in this order. */
  channelNames?: string[];
  output: 'probability' | 'logits' | 'intensity' | 'classes';
  /** Output 'classes': the class of each output plane (background, interior, boundary). */
  classes?: string[];
  /** 'normalized': the segmenter normalises each channel (normalizeImage) before the model; 'raw': samples / format maximum. */
  input: 'raw' | 'normalized';
  /** Nucleus diameter (px) the model works at; images are rescaled to it. Unset: the model runs at the image's scale. */
  diameter?: number;
  /** Input height and width are padded to multiples of this. */
  multiple: number;
  threshold: ThresholdMethod;
  halo: number;
  objects: string;
}

const OUTPUT_KINDS = new Set(['probability', 'logits', 'intensity', 'classes']);
/** Planes a 'classes' model must name. */
export const INSTANCE_CLASSES = ['background', 'interior', 'boundary'] as const;

function isStaticOrDynamic(d: number | string | undefined, expected?: number): boolean {
  return typeof d === 'string' || d === -1 || (typeof d === 'number' && (expected === undefined || d === expected));
}

/**
 * onnxruntime's level 'all' adds the NCHWc layout pass, which pads every single-channel Conv to the CPU's vector
 * width (16 channels with AVX-512): the filter banks here, one or a few planes wide, ran 2–7× slower with it
 * (docs/segmenter.md has the measurement). 'extended' keeps every fusion that helps them.
 */
export const GRAPH_OPTIMIZATION_LEVEL = 'extended';

/**
 * A network ('classes' output: convolutions 8–64 channels wide) gains from the NCHWc layout that slows the filter
 * banks: 'all' for it, GRAPH_OPTIMIZATION_LEVEL for the rest (bench:model; docs/segmenter.md).
 */
export function optimizationLevel(meta: Record<string, string>): 'extended' | 'all' {
  return meta[MODEL_METADATA.output] === 'classes' ? 'all' : GRAPH_OPTIMIZATION_LEVEL;
}

/**
 * Creates the onnxruntime session (one intra-op thread: the pool runs one worker per core) and checks the
 * contract: one float32 input [1, C, H, W]; the first output float32 [1, 1, H, W] (or [1, H, W]), or for
 * output 'classes' [1, K, H, W] with K the classes its metadata names (background, interior, boundary).
 */
export async function loadModel(name: string, bytes: Uint8Array): Promise<SegmentationModel> {
  let session: ort.InferenceSession;
  let meta: Record<string, string>;
  try {
    meta = readModelMetadata(bytes);
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: optimizationLevel(meta),
      // The memory pattern pre-plans one block for a tile's intermediates: ~40 MB more peak RSS on a 2048² image,
      // no measurable speed (bench:segmenter). The arena stays: without it every run re-faults its pages (+20 ms).
      enableMemPattern: false,
    });
  } catch (err) {
    throw new ModelContractError(name, `not a loadable ONNX model (${(err as Error).message})`, err);
  }
  const fail = (reason: string): never => {
    void session.release();
    throw new ModelContractError(name, reason);
  };
  if (session.inputMetadata.length !== 1) fail(`expected 1 input, found ${session.inputMetadata.length}`);
  if (session.outputMetadata.length < 1) fail('the model has no output');
  const input = session.inputMetadata[0]!;
  const output = session.outputMetadata[0]!;
  if (!input.isTensor || input.type !== 'float32') fail(`input '${input.name}' must be a float32 tensor`);
  if (!output.isTensor || output.type !== 'float32') fail(`output '${output.name}' must be a float32 tensor`);
  const inShape = input.isTensor ? input.shape : [];
  const outShape = output.isTensor ? output.shape : [];
  if (inShape.length !== 4 || !isStaticOrDynamic(inShape[0], 1)) {
    fail(`input must be [1,C,H,W], found [${inShape.join(',')}]`);
  }
  const kind = meta[MODEL_METADATA.output] ?? 'probability';
  if (!OUTPUT_KINDS.has(kind)) fail(`${MODEL_METADATA.output} must be probability, logits, intensity or classes`);
  const classes = kind === 'classes' ? parseNames(meta[MODEL_METADATA.classes]) : undefined;
  if (kind === 'classes' && !INSTANCE_CLASSES.every((c) => classes?.includes(c))) {
    fail(`${MODEL_METADATA.classes} must name ${INSTANCE_CLASSES.join(', ')}`);
  }
  const planes = classes?.length ?? 1;
  const okOut =
    (outShape.length === 4 && isStaticOrDynamic(outShape[0], 1) && isStaticOrDynamic(outShape[1], planes)) ||
    (planes === 1 && outShape.length === 3 && isStaticOrDynamic(outShape[0], 1));
  if (!okOut) {
    fail(`output must be [1,${planes},H,W]${planes === 1 ? ' or [1,H,W]' : ''}, found [${outShape.join(',')}]`);
  }
  const inputKind = meta[MODEL_METADATA.input] ?? 'raw';
  if (inputKind !== 'raw' && inputKind !== 'normalized') fail(`${MODEL_METADATA.input} must be raw or normalized`);
  const diameter = meta[MODEL_METADATA.diameter] === undefined ? undefined : Number(meta[MODEL_METADATA.diameter]);
  if (diameter !== undefined && !(diameter >= 2 && diameter <= 512))
    fail(`${MODEL_METADATA.diameter} must be 2–512 px`);
  const multiple = Number(meta[MODEL_METADATA.multiple] ?? 1);
  if (!Number.isInteger(multiple) || multiple < 1 || multiple > 256) fail(`${MODEL_METADATA.multiple} must be 1–256`);
  const thr = meta[MODEL_METADATA.threshold] ?? (kind === 'intensity' ? 'li' : '0.5');
  const threshold: ThresholdMethod = thr === 'li' || thr === 'otsu' ? thr : Number(thr);
  if (typeof threshold === 'number' && !(threshold > 0 && threshold < 1)) {
    fail(`${MODEL_METADATA.threshold} must be li, otsu or a probability in (0,1)`);
  }
  const c = inShape[1];
  const names = parseNames(meta[MODEL_METADATA.channels]);
  return {
    id: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
    session,
    inputName: input.name,
    outputName: output.name,
    channels: typeof c === 'number' && c > 0 ? c : 1,
    output: kind as SegmentationModel['output'],
    input: inputKind as SegmentationModel['input'],
    multiple,
    ...(classes ? { classes } : {}),
    ...(diameter !== undefined ? { diameter } : {}),
    threshold,
    halo: Math.max(0, Number(meta[MODEL_METADATA.halo] ?? 32) || 0),
    objects: meta[MODEL_METADATA.objects] ?? 'Nuclei',
    ...(names ? { channelNames: names } : {}),
  };
}

function parseNames(json: string | undefined): string[] | undefined {
  if (json === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((n) => typeof n === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the model over the image in overlapping tiles (tile side `tileSize` plus the model's halo on each
 * side, each padded by edge replication to the model's size multiple), so memory stays bounded on large images;
 * only each tile's core is kept. Inputs are planar channels; the result is one full-size plane per output
 * channel (one for a foreground map, K for 'classes'), or only the output channels `keep` lists, in its order (a
 * plane nobody reads is an image-sized array less).
 */
export async function predict(
  model: SegmentationModel,
  channels: readonly Float32Array[],
  width: number,
  height: number,
  tileSize: number,
  keep?: readonly number[],
): Promise<Float32Array[]> {
  const c = channels.length;
  const planes = model.classes?.length ?? 1;
  const kept = keep ?? Array.from({ length: planes }, (_, k) => k);
  const m = model.multiple;
  let out: Float32Array[] | undefined;
  const halo = width <= tileSize && height <= tileSize ? 0 : Math.ceil(model.halo / m) * m;
  for (let ty = 0; ty < height; ty += tileSize) {
    for (let tx = 0; tx < width; tx += tileSize) {
      const x0 = Math.max(0, tx - halo);
      const y0 = Math.max(0, ty - halo);
      const x1 = Math.min(width, tx + tileSize + halo);
      const y1 = Math.min(height, ty + tileSize + halo);
      const tw = x1 - x0;
      const th = y1 - y0;
      const pw = Math.ceil(tw / m) * m;
      const ph = Math.ceil(th / m) * m;
      const whole = tw === width && th === height && pw === tw && ph === th;
      const input = whole && c === 1 ? channels[0]! : new Float32Array(c * pw * ph);
      if (input !== channels[0]) {
        for (let k = 0; k < c; k++) {
          const src = channels[k]!;
          for (let y = 0; y < ph; y++) {
            const from = (y0 + Math.min(y, th - 1)) * width + x0;
            const to = (k * ph + y) * pw;
            input.set(src.subarray(from, from + tw), to);
            for (let x = tw; x < pw; x++) input[to + x] = src[from + tw - 1]!;
          }
        }
      }
      const feeds = { [model.inputName]: new ort.Tensor('float32', input, [1, c, ph, pw]) };
      const result = await model.session.run(feeds, [model.outputName]);
      const data = result[model.outputName]!.data as Float32Array;
      if (data.length !== planes * pw * ph) {
        throw new ModelContractError(model.id, `output has ${data.length} values for a ${pw}x${ph} input`);
      }
      // One tile covering the image: its output planes are the maps (no copy).
      if (whole) return kept.map((k) => data.subarray(k * pw * ph, (k + 1) * pw * ph));
      out ??= kept.map(() => new Float32Array(width * height));
      const cx1 = Math.min(width, tx + tileSize);
      const cy1 = Math.min(height, ty + tileSize);
      for (const [j, k] of kept.entries()) {
        for (let y = ty; y < cy1; y++) {
          const from = k * pw * ph + (y - y0) * pw + (tx - x0);
          out[j]!.set(data.subarray(from, from + (cx1 - tx)), y * width + tx);
        }
      }
      for (const v of Object.values(result)) v.dispose();
    }
  }
  return out!;
}
