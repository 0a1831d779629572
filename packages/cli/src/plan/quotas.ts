/** A documented (or, where AWS publishes none, assumed) figure the plan model uses, with where it comes from. */
export interface Quota {
  value: number;
  unit: string;
  source: string;
  /** true when AWS documents no number and the model assumes one (overridable on the command line). */
  assumed?: boolean;
}

/**
 * AWS quotas and rates behind `platescale plan` (defaults of a new account; docs/scale.md explains each). The
 * numbers are the ones the pages state; the model never exceeds them.
 */
export const AWS_QUOTAS = {
  mapMaxConcurrency: {
    value: 10_000,
    unit: 'child executions running at once per Map Run',
    source:
      'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-orchestrate-large-scale-parallel-workloads.html',
  },
  childStartRate: {
    value: 1_000,
    unit: 'child executions started per second by one Map Run',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html',
    assumed: true,
  },
  lambdaAccountConcurrency: {
    value: 1_000,
    unit: 'concurrent Lambda executions per account and Region',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  },
  lambdaScalingRate: {
    value: 100,
    unit: 'concurrent executions added per second per function (1,000 every 10 s)',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html',
  },
  expressMaxSeconds: {
    value: 300,
    unit: 'seconds an Express child execution may run',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/express-limits.html',
  },
  standardMaxSeconds: {
    value: 365 * 24 * 3600,
    unit: 'seconds a Standard child execution may run',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  },
  payloadBytes: {
    value: 262_144,
    unit: 'bytes of input or output per state, task or execution',
    source: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  },
  coldStartSeconds: {
    value: 2,
    unit: 'seconds of Init per new segmenter container (image + ONNX session)',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html',
    assumed: true,
  },
} satisfies Record<string, Quota>;
