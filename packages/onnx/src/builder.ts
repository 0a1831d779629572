import type { AttributeValue, Dim, GraphDef, NodeDef, ValueInfo } from './model.js';
import type { ElemType, Tensor } from './tensor.js';

/** Explicit attribute constructors, for when a plain number's kind (int vs float) would be ambiguous. */
export const attr = {
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  strings: (value: readonly string[]): AttributeValue => ({ kind: 'strings', value }),
  tensor: (value: Tensor): AttributeValue => ({ kind: 'tensor', value }),
};

/**
 * A plain value is inferred: an integer number → INT, any other number → FLOAT, number[] → INTS when every
 * element is an integer else FLOATS, string → STRING, a non-empty string[] → STRINGS. Use `attr.float(1)` for a
 * float that happens to be whole, `attr.strings([])` for an empty list of strings.
 */
export type AttributeInput = AttributeValue | number | readonly number[] | string | readonly string[];

function toAttribute(v: AttributeInput): AttributeValue {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: v } : { kind: 'float', value: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'string')) return { kind: 'strings', value: v as string[] };
    const values = v as readonly number[];
    return values.every(Number.isInteger) ? { kind: 'ints', value: values } : { kind: 'floats', value: values };
  }
  return v as AttributeValue;
}

/**
 * Builds an ONNX graph in code. Every method returns the names of the values it creates, so graphs read as
 * dataflow:
 *
 *   const g = new GraphBuilder('smooth');
 *   const x = g.input('image', 'float32', [1, 1, 'H', 'W']);
 *   const k = g.initializer('kernel', tensor.float32([1, 1, 3, 3], weights));
 *   const [y] = g.node('Conv', [x, k], { pads: [1, 1, 1, 1] });
 *   g.output(y, 'float32', [1, 1, 'H', 'W']);
 *   const bytes = encodeModel(g.build(), { opset: 17, metadata: { 'platescale.threshold': '0.5' } });
 *
 * Names are unique per graph: node outputs are `<name>_out<i>` where name defaults to `<OpType>_<n>`.
 */
export class GraphBuilder {
  private readonly nodes: NodeDef[] = [];
  private readonly initializers: (Tensor & { name: string })[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(
    readonly name: string,
    private readonly doc?: string,
  ) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate value name '${name}' in graph '${this.name}'`);
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElemType, shape: readonly Dim[], doc?: string): string {
    this.inputs.push({ name: this.claim(name), type, shape, ...(doc ? { doc } : {}) });
    return name;
  }

  initializer(name: string, value: Tensor): string {
    this.initializers.push({ ...value, name: this.claim(name) });
    return name;
  }

  /** Adds a node; returns its output names (`outputs` = how many, or explicit names). */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeInput> = {},
    opts: { name?: string; outputs?: number | readonly string[]; domain?: string } = {},
  ): string[] {
    const name = opts.name ?? `${opType}_${this.counter++}`;
    const outs = opts.outputs ?? 1;
    const outputs = typeof outs === 'number' ? Array.from({ length: outs }, (_, i) => `${name}_out${i}`) : [...outs];
    for (const o of outputs) this.claim(o);
    const attrs: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(attributes)) attrs[k] = toAttribute(v);
    this.nodes.push({
      opType,
      inputs,
      outputs,
      name,
      attributes: attrs,
      ...(opts.domain ? { domain: opts.domain } : {}),
    });
    return outputs;
  }

  /** Declares a graph output. `rename` gives it a public name (an Identity node is added). */
  output(value: string, type: ElemType, shape: readonly Dim[], rename?: string): string {
    const name = rename ?? value;
    if (rename && rename !== value)
      this.node('Identity', [value], {}, { name: `${rename}_identity`, outputs: [rename] });
    this.outputs.push({ name, type, shape });
    return name;
  }

  build(): GraphDef {
    if (this.inputs.length === 0 || this.outputs.length === 0) {
      throw new Error(`graph '${this.name}' needs at least one input and one output`);
    }
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      ...(this.doc ? { doc: this.doc } : {}),
    };
  }
}
