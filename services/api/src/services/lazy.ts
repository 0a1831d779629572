/**
 * A value built on first use and kept. The API loads its heavy modules this way (the trainer's TensorFlow.js,
 * onnxruntime, sharp): a process that only serves jobs and results never pays their hundreds of MB of RSS.
 * A failed load is not kept, so a later request tries again.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
