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
  output: 'probability' | 'logits' | 'intensity';
  threshold: ThresholdMethod;
  halo: number;
  objects: string;
}

const OUTPUT_KINDS = new Set(['probability', 'logits', 'intensity']);

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
 * Creates the onnxruntime session (one intra-op thread: the pool runs one worker per core) and checks the
 * contract: one float32 input [1, C, H, W], one float32 output [1, 1, H, W] (or [1, H, W]).
 */
export async function loadModel(name: string, bytes: Uint8Array): Promise<SegmentationModel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: GRAPH_OPTIMIZATION_LEVEL,
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
  const okOut =
    (outShape.length === 4 && isStaticOrDynamic(outShape[0], 1) && isStaticOrDynamic(outShape[1], 1)) ||
    (outShape.length === 3 && isStaticOrDynamic(outShape[0], 1));
  if (!okOut) fail(`output must be [1,1,H,W] or [1,H,W], found [${outShape.join(',')}]`);

  const meta = readModelMetadata(bytes);
  const kind = meta[MODEL_METADATA.output] ?? 'probability';
  if (!OUTPUT_KINDS.has(kind)) fail(`${MODEL_METADATA.output} must be probability, logits or intensity`);
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
 * side), so memory stays bounded on large images; only each tile's core is kept. Inputs are planar
 * channels scaled to [0, 1]; the result is the model's output map, full size.
 */
export async function predict(
  model: SegmentationModel,
  channels: readonly Float32Array[],
  width: number,
  height: number,
  tileSize: number,
): Promise<Float32Array> {
  const c = channels.length;
  // A single tile's output is the map itself; only a tiled image needs the assembled copy.
  const out = new Float32Array(width <= tileSize && height <= tileSize ? 0 : width * height);
  const halo = model.halo;
  for (let ty = 0; ty < height; ty += tileSize) {
    for (let tx = 0; tx < width; tx += tileSize) {
      const x0 = Math.max(0, tx - halo);
      const y0 = Math.max(0, ty - halo);
      const x1 = Math.min(width, tx + tileSize + halo);
      const y1 = Math.min(height, ty + tileSize + halo);
      const tw = x1 - x0;
      const th = y1 - y0;
      const whole = tw === width && th === height;
      const input = whole && c === 1 ? channels[0]! : new Float32Array(c * tw * th);
      if (input !== channels[0]) {
        for (let k = 0; k < c; k++) {
          const src = channels[k]!;
          for (let y = 0; y < th; y++) {
            const from = (y0 + y) * width + x0;
            input.set(src.subarray(from, from + tw), (k * th + y) * tw);
          }
        }
      }
      const feeds = { [model.inputName]: new ort.Tensor('float32', input, [1, c, th, tw]) };
      const result = await model.session.run(feeds, [model.outputName]);
      const map = result[model.outputName]!;
      const data = map.data as Float32Array;
      if (data.length !== tw * th) {
        throw new ModelContractError(model.id, `output has ${data.length} values for a ${tw}x${th} input`);
      }
      // One tile covering the image: its output is the map (no copy).
      if (whole) return data;
      const cx1 = Math.min(width, tx + tileSize);
      const cy1 = Math.min(height, ty + tileSize);
      for (let y = ty; y < cy1; y++) {
        const from = (y - y0) * tw + (tx - x0);
        out.set(data.subarray(from, from + (cx1 - tx)), y * width + tx);
      }
      for (const v of Object.values(result)) v.dispose();
    }
  }
  return out;
}
