import { createHash } from 'node:crypto';
import { readModelMetadata } from '@platescale/onnx';
import ort from 'onnxruntime-node';
import { ModelContractError } from './errors.js';
import { MODEL_METADATA } from './metadata.js';
import { planeRows, type RowSource } from './resample.js';

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
 * only each tile's core is kept. A row of tiles at a time: the channels' rows are read in increasing y, each once
 * (a source may make them on demand), and each finished strip of output rows [y0, y0 + rows) goes to `onStrip`,
 * one plane (width × rows, reused by the next strip) per output channel `keep` lists, in its order (default all:
 * one for a foreground map, K for 'classes').
 */
export async function predictStrips(
  model: SegmentationModel,
  channels: readonly RowSource[],
  width: number,
  height: number,
  tileSize: number,
  keep: readonly number[] | undefined,
  onStrip: (planes: Float32Array[], y0: number, rows: number) => void,
): Promise<void> {
  const c = channels.length;
  const planes = model.classes?.length ?? 1;
  const kept = keep ?? Array.from({ length: planes }, (_, k) => k);
  const m = model.multiple;
  const halo = width <= tileSize && height <= tileSize ? 0 : Math.ceil(model.halo / m) * m;
  const bandRows = Math.min(height, tileSize + 2 * halo);
  // The input rows a row of tiles reads, full width; consecutive bands overlap by the halo, kept, not read again.
  const bands = channels.map(() => new Float32Array(width * bandRows));
  const strip = kept.map(() => new Float32Array(width * Math.min(tileSize, height)));
  // One tile input buffer for all tiles (a view of its size each time): not a fresh array per tile for the GC.
  const side = (n: number) => Math.ceil(Math.min(n, tileSize + 2 * halo) / m) * m;
  const inputs = new Float32Array(c * side(width) * side(height));
  let bandY0 = 0;
  let bandY1 = 0;
  for (let ty = 0; ty < height; ty += tileSize) {
    const y0 = Math.max(0, ty - halo);
    const y1 = Math.min(height, ty + tileSize + halo);
    for (const [k, band] of bands.entries()) {
      band.copyWithin(0, (y0 - bandY0) * width, (bandY1 - bandY0) * width);
      for (let y = Math.max(y0, bandY1); y < y1; y++) band.set(channels[k]!(y), (y - y0) * width);
    }
    bandY0 = y0;
    bandY1 = y1;
    const th = y1 - y0;
    const ph = Math.ceil(th / m) * m;
    const cy1 = Math.min(height, ty + tileSize);
    for (let tx = 0; tx < width; tx += tileSize) {
      const x0 = Math.max(0, tx - halo);
      const x1 = Math.min(width, tx + tileSize + halo);
      const tw = x1 - x0;
      const pw = Math.ceil(tw / m) * m;
      const input = inputs.subarray(0, c * pw * ph);
      for (let k = 0; k < c; k++) {
        const src = bands[k]!;
        for (let y = 0; y < ph; y++) {
          const from = Math.min(y, th - 1) * width + x0;
          const to = (k * ph + y) * pw;
          input.set(src.subarray(from, from + tw), to);
          for (let x = tw; x < pw; x++) input[to + x] = src[from + tw - 1]!;
        }
      }
      const feeds = { [model.inputName]: new ort.Tensor('float32', input, [1, c, ph, pw]) };
      const result = await model.session.run(feeds, [model.outputName]);
      const data = result[model.outputName]!.data as Float32Array;
      if (data.length !== planes * pw * ph) {
        throw new ModelContractError(model.id, `output has ${data.length} values for a ${pw}x${ph} input`);
      }
      const cx1 = Math.min(width, tx + tileSize);
      for (const [j, k] of kept.entries()) {
        for (let y = ty; y < cy1; y++) {
          const from = k * pw * ph + (y - y0) * pw + (tx - x0);
          strip[j]!.set(data.subarray(from, from + (cx1 - tx)), (y - ty) * width + tx);
        }
      }
      for (const v of Object.values(result)) v.dispose();
    }
    onStrip(
      strip.map((p) => p.subarray(0, (cy1 - ty) * width)),
      ty,
      cy1 - ty,
    );
  }
}

/** predictStrips gathered: one full-size plane per output channel `keep` lists (default all). */
export async function predict(
  model: SegmentationModel,
  channels: readonly (Float32Array | RowSource)[],
  width: number,
  height: number,
  tileSize: number,
  keep?: readonly number[],
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const rows = channels.map((ch) => (typeof ch === 'function' ? ch : planeRows(ch, width)));
  await predictStrips(model, rows, width, height, tileSize, keep, (planes, y0) => {
    for (const [j, p] of planes.entries()) {
      out[j] ??= new Float32Array(width * height);
      out[j]!.set(p, y0 * width);
    }
  });
  return out;
}
