import { UnknownDomainError } from './errors.js';
import { ProtoWriter } from './protobuf.js';
import { DATA_TYPES, type ElemType, rawBytes, type Tensor } from './tensor.js';

/** A dimension: a fixed size, or a symbolic name such as 'H' (dynamic). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: readonly Dim[];
  doc?: string;
}

/** Attribute values; see `attr` for the explicit forms when a number's kind would be ambiguous. */
export type AttributeValue =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'strings'; value: readonly string[] }
  | { kind: 'tensor'; value: Tensor };

export interface NodeDef {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: Record<string, AttributeValue>;
  domain?: string;
}

export interface GraphDef {
  name: string;
  nodes: readonly NodeDef[];
  initializers: readonly (Tensor & { name: string })[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  doc?: string;
}

export interface ModelOptions {
  /** Default-domain opset version (default 17). */
  opset?: number;
  /**
   * Opset versions of other operator domains, by domain name. A domain gets an opset import only when a node uses
   * it; the version comes from here, else from DOMAIN_OPSETS.
   */
  domainOpsets?: Record<string, number>;
  /** ONNX IR version; default: the one matching the opset. */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  modelVersion?: number;
  doc?: string;
  /** ModelProto.metadata_props: free key/value pairs, read back by onnxruntime as `customMetadataMap`. */
  metadata?: Record<string, string>;
}

// Lowest IR version that knows each opset (onnx/helper.py VERSION_TABLE).
function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/**
 * Versions of the non-default domains platescale graphs use. ai.onnx.ml 3 has TreeEnsembleClassifier with its
 * classic attributes; opset 5 deprecates it for TreeEnsemble (onnxruntime 1.30 runs both).
 */
export const DOMAIN_OPSETS: Readonly<Record<string, number>> = { 'ai.onnx.ml': 3 };

const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

function writeTensor(w: ProtoWriter, t: Tensor, name?: string): void {
  if (t.dims.length > 0) w.packedVarints(1, t.dims);
  w.varint(2, DATA_TYPES[t.type]);
  if (name !== undefined) w.string(8, name);
  w.bytes(9, rawBytes(t));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.varint(1, DATA_TYPES[v.type]);
      tt.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
  if (v.doc) w.string(3, v.doc);
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.varint(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedVarints(8, a.value);
      break;
    case 'strings':
      // Repeated bytes are never packed.
      for (const v of a.value) w.string(9, v);
      break;
  }
  w.varint(20, ATTRIBUTE_TYPES[a.kind]);
}

function writeNode(w: ProtoWriter, n: NodeDef): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes)) w.message(5, (m) => writeAttribute(m, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeGraph(w: ProtoWriter, g: GraphDef): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t, t.name));
  if (g.doc) w.string(10, g.doc);
  for (const i of g.inputs) w.message(11, (m) => writeValueInfo(m, i));
  for (const o of g.outputs) w.message(12, (m) => writeValueInfo(m, o));
}

/** Non-default domains the graph's nodes use, in order of first use, with their opset versions. */
function domainImports(graph: GraphDef, versions: Record<string, number>): [string, number][] {
  const imports = new Map<string, number>();
  for (const { domain } of graph.nodes) {
    if (!domain || domain === 'ai.onnx' || imports.has(domain)) continue;
    const version = versions[domain] ?? DOMAIN_OPSETS[domain];
    if (version === undefined) throw new UnknownDomainError(domain);
    imports.set(domain, version);
  }
  return [...imports];
}

/** Serialises a graph as ONNX ModelProto bytes: a self-contained `.onnx` file (weights inline as raw_data). */
export function encodeModel(graph: GraphDef, opts: ModelOptions = {}): Uint8Array {
  const opset = opts.opset ?? 17;
  const domains = domainImports(graph, opts.domainOpsets ?? {});
  const w = new ProtoWriter();
  w.varint(1, opts.irVersion ?? irVersionFor(opset));
  w.string(2, opts.producerName ?? 'platescale');
  if (opts.producerVersion) w.string(3, opts.producerVersion);
  if (opts.modelVersion !== undefined) w.varint(5, opts.modelVersion);
  if (opts.doc) w.string(6, opts.doc);
  w.message(7, (m) => writeGraph(m, graph));
  w.message(8, (m) => m.string(1, '').varint(2, opset));
  for (const [domain, version] of domains) w.message(8, (m) => m.string(1, domain).varint(2, version));
  for (const [key, value] of Object.entries(opts.metadata ?? {})) {
    w.message(14, (m) => m.string(1, key).string(2, value));
  }
  return w.finish();
}
