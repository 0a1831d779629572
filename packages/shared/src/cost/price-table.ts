/**
 * AWS list prices the cost model multiplies by a job's usage. One versioned table: when a price changes, add a
 * new version (keep the old one so past estimates stay explainable) and point PRICE_TABLE at it.
 * Region us-east-1, on-demand, USD, no free tier (a job's marginal cost).
 */
export interface PriceTable {
  version: string;
  region: string;
  currency: 'USD';
  lambda: {
    /** Per GB-second of duration, by architecture. */
    gbSecond: { x86_64: number; arm64: number };
    request: number;
  };
  stepFunctions: {
    /** Standard workflows: per state transition (retries included). */
    standardTransition: number;
    /** Express workflows: per execution started, and per GB-second (first pricing tier). */
    expressRequest: number;
    expressGbSecond: number;
    /** Express duration is rounded up to this many ms, memory to chunks of this many MB. */
    expressDurationIncrementMs: number;
    expressMemoryChunkMb: number;
  };
  s3: {
    /** PUT, COPY, POST, LIST requests (S3 Standard). */
    putOrListRequest: number;
    /** GET, SELECT and all other requests (S3 Standard). */
    getRequest: number;
  };
  eventBridge: {
    /** Custom events published to an event bus (per 64 KB chunk). */
    customEvent: number;
  };
  /** Where each figure comes from and the date of the published price it copies. */
  sources: { service: string; url: string; priceDate: string }[];
}

export const PRICE_TABLE_2025_06: PriceTable = {
  version: '2025-06',
  region: 'us-east-1',
  currency: 'USD',
  lambda: {
    gbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
    request: 0.2 / 1_000_000,
  },
  stepFunctions: {
    standardTransition: 0.025 / 1_000,
    expressRequest: 1 / 1_000_000,
    expressGbSecond: 0.06 / 3_600,
    expressDurationIncrementMs: 100,
    expressMemoryChunkMb: 64,
  },
  s3: {
    putOrListRequest: 0.005 / 1_000,
    getRequest: 0.0004 / 1_000,
  },
  eventBridge: {
    customEvent: 1 / 1_000_000,
  },
  sources: [
    { service: 'AWS Lambda', url: 'https://aws.amazon.com/lambda/pricing/', priceDate: '2025-06-01' },
    { service: 'AWS Step Functions', url: 'https://aws.amazon.com/step-functions/pricing/', priceDate: '2025-06-01' },
    { service: 'Amazon S3', url: 'https://aws.amazon.com/s3/pricing/', priceDate: '2025-06-01' },
    { service: 'Amazon EventBridge', url: 'https://aws.amazon.com/eventbridge/pricing/', priceDate: '2025-06-01' },
  ],
};

/** The table estimates use unless told otherwise. */
export const PRICE_TABLE: PriceTable = PRICE_TABLE_2025_06;
