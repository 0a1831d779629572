import { DEFAULT_COST_DEPLOYMENT, type MapChildExecutionType } from '@platescale/shared';

export type EnvironmentName = 'dev' | 'prod';

/** Everything that differs between environments, in one typed object (`-c env=dev|prod`). */
export interface PlatescaleConfig {
  name: EnvironmentName;
  network: { maxAzs: number; natGateways: number };
  database: {
    /** RDS instance class, without the `db.` prefix. */
    instanceType: string;
    allocatedStorageGb: number;
    maxAllocatedStorageGb: number;
    multiAz: boolean;
    backupRetentionDays: number;
    deletionProtection: boolean;
  };
  cache: { nodeType: string; replicas: number };
  api: {
    cpu: number;
    memoryMiB: number;
    minTasks: number;
    maxTasks: number;
    targetCpuPercent: number;
  };
  segmenter: {
    memoryMb: number;
    /** Caps the Map's fan-out and keeps a runaway job from starving the account's other functions. */
    reservedConcurrency: number;
    architecture: 'x86_64' | 'arm64';
  };
  aggregator: { memoryMb: number };
  workflow: {
    /** Distributed Map child executions: EXPRESS (default; cheap, ≤ 5 min per batch) or STANDARD. */
    mapChildExecutionType: MapChildExecutionType;
    logLevel: 'ALL' | 'ERROR';
    tracing: boolean;
  };
  storage: {
    /** Per-job results (tables, masks, ResultWriter files) under jobs/ expire after this many days. */
    resultsExpirationDays: number;
    retainOnDelete: boolean;
  };
  alarms: { email?: string };
}

const dev: PlatescaleConfig = {
  name: 'dev',
  network: { maxAzs: 2, natGateways: 1 },
  database: {
    instanceType: 't4g.micro',
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 50,
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
  },
  cache: { nodeType: 'cache.t4g.micro', replicas: 0 },
  api: { cpu: 512, memoryMiB: 1024, minTasks: 1, maxTasks: 2, targetCpuPercent: 60 },
  // 1769 MB buys exactly one vCPU, all a single-threaded segmenter uses (scripts/bench-segmenter.ts: 0.48 s per
  // 1024² image per core, 442 MB peak RSS for a 2048² field). The timeout is the ASL Segment task's.
  segmenter: {
    memoryMb: DEFAULT_COST_DEPLOYMENT.segmenterMemoryMb,
    reservedConcurrency: 50,
    architecture: DEFAULT_COST_DEPLOYMENT.architecture,
  },
  aggregator: { memoryMb: DEFAULT_COST_DEPLOYMENT.aggregatorMemoryMb },
  workflow: { mapChildExecutionType: DEFAULT_COST_DEPLOYMENT.mapChildExecutionType, logLevel: 'ALL', tracing: true },
  storage: { resultsExpirationDays: 30, retainOnDelete: false },
  alarms: {},
};

const prod: PlatescaleConfig = {
  ...dev,
  name: 'prod',
  network: { maxAzs: 3, natGateways: 2 },
  database: {
    instanceType: 'm7g.large',
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 1000,
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
  },
  cache: { nodeType: 'cache.m7g.large', replicas: 1 },
  api: { cpu: 1024, memoryMiB: 2048, minTasks: 2, maxTasks: 10, targetCpuPercent: 60 },
  // The default account limit is 1000 concurrent executions and 100 must stay unreserved.
  segmenter: { ...dev.segmenter, reservedConcurrency: 800 },
  workflow: { ...dev.workflow, logLevel: 'ERROR' },
  storage: { resultsExpirationDays: 365, retainOnDelete: true },
};

export const ENVIRONMENTS: Record<EnvironmentName, PlatescaleConfig> = { dev, prod };

/**
 * The environment's config with the few overrides `cdk -c` may set. Unknown names and values fail synth
 * rather than deploying something nobody asked for.
 */
export function resolveConfig(context: {
  env?: unknown;
  mapChildExecutionType?: unknown;
  alarmEmail?: unknown;
}): PlatescaleConfig {
  const name = context.env ?? 'dev';
  if (name !== 'dev' && name !== 'prod') throw new Error(`unknown environment '${String(name)}' (dev or prod)`);
  const base = ENVIRONMENTS[name];
  const type = context.mapChildExecutionType ?? base.workflow.mapChildExecutionType;
  if (type !== 'EXPRESS' && type !== 'STANDARD') {
    throw new Error(`mapChildExecutionType must be EXPRESS or STANDARD, got '${String(type)}'`);
  }
  return {
    ...base,
    workflow: { ...base.workflow, mapChildExecutionType: type },
    alarms: typeof context.alarmEmail === 'string' ? { email: context.alarmEmail } : base.alarms,
  };
}
