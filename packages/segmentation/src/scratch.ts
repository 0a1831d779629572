/**
 * Reusable typed arrays, one backing buffer per purpose and thread. Segmentation works object by object
 * (hundreds per image, each needing a dozen arrays), and fresh typed arrays each time cost more than the
 * work on small objects. A view is valid until the next request for the same key on this thread.
 */
const buffers = new Map<string, ArrayBuffer>();

function buffer(key: string, bytes: number): ArrayBuffer {
  let b = buffers.get(key);
  if (!b || b.byteLength < bytes) {
    b = new ArrayBuffer(Math.max(bytes, 2 * (b?.byteLength ?? 0), 4096));
    buffers.set(key, b);
  }
  return b;
}

export const scratch = {
  int32: (key: string, length: number, fill = 0) => new Int32Array(buffer(key, length * 4), 0, length).fill(fill),
  float32: (key: string, length: number) => new Float32Array(buffer(key, length * 4), 0, length).fill(0),
  float64: (key: string, length: number) => new Float64Array(buffer(key, length * 8), 0, length).fill(0),
  uint8: (key: string, length: number) => new Uint8Array(buffer(key, length), 0, length).fill(0),
};
