export interface ObjectInfo {
  key: string;
  size: number;
  /** Quoted hex digest, as S3 returns it. */
  etag: string;
  lastModified: Date;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Present when more keys follow; pass back as `continuationToken`. */
  nextContinuationToken?: string;
}

export interface ListOptions {
  continuationToken?: string;
  /** Page size; S3 caps it at 1000 and so do all adapters. */
  maxKeys?: number;
}

/**
 * An object store bound to one bucket, with S3 key semantics: flat keys, '/' is only a character,
 * listing is lexicographic by key. Adapters: filesystem (embedded; keys can never escape its root) and S3.
 */
export interface ObjectStore {
  readonly bucket: string;
  put(key: string, body: Uint8Array | string, opts?: { contentType?: string }): Promise<ObjectInfo>;
  /** Throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Buffer>;
  head(key: string): Promise<ObjectInfo | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListPage>;
  delete(key: string): Promise<void>;
  /** The same store, another bucket (the workflow reads and writes named buckets). */
  withBucket(bucket: string): ObjectStore;
}
