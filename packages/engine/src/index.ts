export { type LoadOptions, loadDefinition } from './asl/definition.js';
export type { StateMachineDef } from './asl/types.js';
export type { LambdaHandler } from './context.js';
export {
  DefinitionError,
  EngineError,
  ExecutionAlreadyExistsError,
  ExecutionNotFoundError,
  ExecutionNotRedrivableError,
  StatesError,
} from './errors.js';
export { FairScheduler } from './scheduler.js';
export { createDurableCheckpointStore, type DurableStoreOptions } from './store/durable.js';
export { createMemoryCheckpointStore } from './store/memory.js';
export type { CheckpointStore, ChildRecord, ExecutionRecord, Lease } from './store/types.js';
export { functionNameOf } from './task.js';
export { createLocalWorkflow, isDeadOwner, type LocalWorkflow, type LocalWorkflowOptions } from './workflow.js';
