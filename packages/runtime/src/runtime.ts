import {
  createCache,
  createEmulatorInvokers,
  createEventBus,
  createObjectStore,
  createStepFunctionsWorkflow,
  LOCAL_ACCOUNT_ID,
  parseLambdaEndpoints,
} from '@platescale/adapters';
import {
  createAggregateHandler,
  createJobEventConsumer,
  createListImageSetsHandler,
  createOutboxPublisher,
} from '@platescale/aggregator';
import { type Database, openConfiguredDatabase } from '@platescale/db';
import {
  createDurableCheckpointStore,
  createLocalWorkflow,
  type LambdaHandler,
  type LocalWorkflow,
} from '@platescale/engine';
import {
  type Cache,
  type Config,
  type EventBus,
  loadConfig,
  type ObjectStore,
  type Workflow,
} from '@platescale/shared';
import { LOCAL_FUNCTIONS, loadAnalysisDefinition, localSubstitutions } from './definition.js';
import { createSegmenterPool } from './segmenter-pool.js';

export interface Runtime {
  config: Config;
  database: Database;
  cache: Cache;
  objects: ObjectStore;
  events: EventBus;
  workflow: Workflow;
  /**
   * Goes to work once every subscriber of the bus is in place (the API's webhook dispatcher included): sends the
   * completion events a crash left in the outbox, then continues the executions no live process holds and keeps
   * adopting those of processes that die (local engine).
   */
  start(): Promise<void>;
  /** Stops the worker pool and the engine, waits for event deliveries, closes connections. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** The environment to configure from (default process.env); segmenter workers get the same one. */
  env?: NodeJS.ProcessEnv;
  /** Wraps the local engine's segmenter invoke (the worker pool, or the emulator): fault-injection tests. */
  wrapSegmenter?: (invoke: LambdaHandler) => LambdaHandler;
  /** The segmenter pool's worker module (default the real one): fault-injection tests wrap it to crash workers. */
  segmenterWorker?: URL;
  /** The object store (default: the one the configuration names). bench:scale lists a synthetic key space. */
  objects?: ObjectStore;
  /**
   * Local functions to run instead of the in-process handlers (keys of LOCAL_FUNCTIONS): bench:scale puts a
   * stand-in segmenter here (no worker pool is started then) and runs the aggregator in its own process.
   */
  lambdas?: Partial<Record<keyof typeof LOCAL_FUNCTIONS, LambdaHandler>>;
}

/**
 * Builds every adapter the configuration names. Embedded (nothing set): PGlite, in-memory cache, filesystem
 * objects, the local engine running infra/statemachine/analysis.asl.yaml with the Lambda handlers in-process
 * (segmenter batches on a worker pool) and an in-process bus whose completion events update the jobs table.
 */
export async function createRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const env = opts.env ?? process.env;
  const config = loadConfig(env);
  const database = await openConfiguredDatabase(config);
  const cache = createCache(config);
  const objects = opts.objects ?? createObjectStore(config);
  const events = createEventBus(config);
  const closers: (() => Promise<unknown>)[] = [];

  let workflow: Workflow;
  let local: LocalWorkflow | undefined;
  if (config.STATE_MACHINE_ARN) {
    workflow = createStepFunctionsWorkflow({ stateMachineArn: config.STATE_MACHINE_ARN, region: config.AWS_REGION });
  } else {
    // docker compose: LAMBDA_ENDPOINTS sends the named functions to the real Lambda images (Runtime Interface
    // Emulator); whatever it does not name runs in this process, the segmenter on a worker pool.
    const remote = config.LAMBDA_ENDPOINTS ? createEmulatorInvokers(config.LAMBDA_ENDPOINTS) : {};
    const remoteSegmenters = config.LAMBDA_ENDPOINTS
      ? (parseLambdaEndpoints(config.LAMBDA_ENDPOINTS)[LOCAL_FUNCTIONS.SegmenterFunctionArn]?.length ?? 0)
      : 0;
    let segmenter = opts.lambdas?.SegmenterFunctionArn ?? remote[LOCAL_FUNCTIONS.SegmenterFunctionArn];
    let poolSize = opts.lambdas?.SegmenterFunctionArn ? config.WORKERS : remoteSegmenters;
    if (!segmenter) {
      const pool = createSegmenterPool(
        { ...env, PLATESCALE_HOME: config.home },
        {
          threads: config.WORKERS,
          ...(config.SEGMENTER_WORKER_HEAP_MB ? { maxHeapMb: config.SEGMENTER_WORKER_HEAP_MB } : {}),
          ...(opts.segmenterWorker ? { filename: opts.segmenterWorker } : {}),
        },
      );
      closers.push(() => pool.close());
      segmenter = pool.invoke;
      poolSize = pool.threads;
    }
    local = createLocalWorkflow({
      definition: loadAnalysisDefinition(),
      substitutions: localSubstitutions(config.AWS_REGION, LOCAL_ACCOUNT_ID),
      lambdas: {
        [LOCAL_FUNCTIONS.ListImageSetsFunctionArn]:
          opts.lambdas?.ListImageSetsFunctionArn ?? asLambda(createListImageSetsHandler({ objects })),
        [LOCAL_FUNCTIONS.AggregatorFunctionArn]:
          opts.lambdas?.AggregatorFunctionArn ?? asLambda(createAggregateHandler({ db: database.db, objects, events })),
        ...remote,
        [LOCAL_FUNCTIONS.SegmenterFunctionArn]: opts.wrapSegmenter ? opts.wrapSegmenter(segmenter) : segmenter,
      },
      objects,
      poolSize,
      region: config.AWS_REGION,
      account: LOCAL_ACCOUNT_ID,
      // Executions and per-batch results survive a crash: a restarted process, or another process on the same
      // database, resumes them (start()); leases make sure only one process drives each execution.
      checkpoints: createDurableCheckpointStore({ db: database.db, objects }),
      leaseMs: config.ENGINE_LEASE_SECONDS * 1000,
    });
    const engine = local;
    closers.push(() => engine.close());
    workflow = local;
  }

  // Locally the bus delivers completion events to the same consumer an EventBridge rule targets on AWS.
  const unsubscribe = events.subscribe(createJobEventConsumer({ db: database.db }));

  return {
    config,
    database,
    cache,
    objects,
    events,
    workflow,
    async start() {
      // Events a crash left in the outbox (results committed, event not yet sent) go out now.
      await createOutboxPublisher({ db: database.db, events }).publishPending();
      await local?.resumeAll();
    },
    async close() {
      for (const close of closers.reverse()) await close();
      unsubscribe();
      await events.drain();
      await cache.close();
      await database.close();
    },
  };
}

/** The state machine's Parameters shape each payload; a local Lambda receives it as AWS would deliver it. */
function asLambda<T>(handler: (event: T) => Promise<unknown>): LambdaHandler {
  return (payload) => handler(payload as T);
}
