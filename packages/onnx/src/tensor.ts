/** ONNX TensorProto.DataType codes for the element types platescale graphs use. */
export const DATA_TYPES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
} as const;

export type ElemType = keyof typeof DATA_TYPES;

/** A constant tensor (initializer or tensor attribute). `data` is stored as little-endian raw_data. */
export interface Tensor {
  type: ElemType;
  dims: readonly number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;
}

function checked(t: Tensor): Tensor {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) {
    throw new RangeError(`tensor of dims [${t.dims.join(',')}] needs ${n} elements, got ${t.data.length}`);
  }
  return t;
}

/** Constructors that check the element count against the dims; scalars use dims []. */
export const tensor = {
  float32: (dims: readonly number[], values: ArrayLike<number>): Tensor =>
    checked({ type: 'float32', dims, data: Float32Array.from(values) }),
  int64: (dims: readonly number[], values: ArrayLike<number>): Tensor =>
    checked({ type: 'int64', dims, data: BigInt64Array.from(Array.from(values), (v) => BigInt(v)) }),
  int32: (dims: readonly number[], values: ArrayLike<number>): Tensor =>
    checked({ type: 'int32', dims, data: Int32Array.from(values) }),
};

/** Raw little-endian bytes of the tensor's data (every supported platform is little-endian, as ONNX requires). */
export function rawBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}
