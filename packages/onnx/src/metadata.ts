/**
 * Reads ModelProto.metadata_props (field 14) from model bytes without decoding the graph: onnxruntime-node
 * does not expose the custom metadata map, and platescale models declare their pre/post-processing there.
 */
export function readModelMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields(bytes)) {
    if (f.field !== 14 || !f.bytes) continue;
    let key = '';
    let value = '';
    for (const e of fields(f.bytes)) {
      if (e.field === 1 && e.bytes) key = utf8.decode(e.bytes);
      if (e.field === 2 && e.bytes) value = utf8.decode(e.bytes);
    }
    out[key] = value;
  }
  return out;
}

const utf8 = new TextDecoder();

interface Field {
  field: number;
  bytes?: Uint8Array;
  /** A varint's value. */
  value?: number;
}

function* fields(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('truncated protobuf varint');
      const b = buf[pos++]!;
      // Past 2^53 precision is lost, but only lengths and tags are used from here, which are far smaller.
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    const field = Math.floor(tag / 8);
    if (wire === 0) {
      yield { field, value: varint() };
      continue;
    }
    if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new RangeError('truncated protobuf field');
      yield { field, bytes: buf.subarray(pos, pos + len) };
      pos += len;
      continue;
    } else throw new RangeError(`unsupported protobuf wire type ${wire}`);
    yield { field };
  }
}

/** A float32 initializer as stored: its dims and values. */
export interface FloatInitializer {
  dims: number[];
  data: Float32Array;
}

const FLOAT = 1;

/**
 * Reads the graph's float32 initializers (ModelProto.graph = 7 → GraphProto.initializer = 5 → TensorProto: dims 1,
 * data_type 2, float_data 4, name 8, raw_data 9): the weights of a model, e.g. to fine-tune it.
 */
export function readFloatInitializers(bytes: Uint8Array): Map<string, FloatInitializer> {
  const out = new Map<string, FloatInitializer>();
  for (const g of fields(bytes)) {
    if (g.field !== 7 || !g.bytes) continue;
    for (const t of fields(g.bytes)) {
      if (t.field !== 5 || !t.bytes) continue;
      const dims: number[] = [];
      let type = 0;
      let name = '';
      let data: Float32Array | undefined;
      for (const f of fields(t.bytes)) {
        if (f.field === 1 && f.value !== undefined) dims.push(f.value);
        else if (f.field === 1 && f.bytes) dims.push(...packedVarints(f.bytes));
        else if (f.field === 2 && f.value !== undefined) type = f.value;
        else if (f.field === 8 && f.bytes) name = utf8.decode(f.bytes);
        else if ((f.field === 9 || f.field === 4) && f.bytes) {
          // A copy, aligned: `bytes` may be a view into a Buffer (whose slice() does not copy).
          const copy = new Uint8Array(f.bytes);
          data = new Float32Array(copy.buffer, 0, copy.length / 4);
        }
      }
      if (type === FLOAT && data) out.set(name, { dims, data });
    }
  }
  return out;
}

function packedVarints(buf: Uint8Array): number[] {
  const values: number[] = [];
  let v = 0;
  let shift = 0;
  for (const b of buf) {
    v += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      values.push(v);
      v = 0;
      shift = 0;
    } else shift += 7;
  }
  return values;
}
