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
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
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
