import { PlatescaleError } from '@platescale/shared';

/** Base of every error the engine raises on purpose. */
export class EngineError extends PlatescaleError {}

/** The definition uses something the engine does not implement, or is malformed. Raised at load time. */
export class DefinitionError extends EngineError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, { code: 'unsupported_definition', status: 400, details: { field } });
    this.field = field;
  }
}

export class ExecutionNotFoundError extends EngineError {
  constructor(arn: string) {
    super(`execution '${arn}' does not exist`, { code: 'execution_does_not_exist', status: 404 });
  }
}

export class ExecutionAlreadyExistsError extends EngineError {
  constructor(arn: string) {
    super(`execution '${arn}' already exists`, { code: 'execution_already_exists', status: 409 });
  }
}

export class ExecutionNotRedrivableError extends EngineError {
  constructor(arn: string, reason: string) {
    super(`execution '${arn}' cannot be redriven: ${reason}`, { code: 'execution_not_redrivable', status: 400 });
  }
}

/**
 * A runtime failure inside an execution, named as Step Functions names it (`States.Timeout`, the Lambda's
 * errorType, ...). This is what Retry/Catch match on; it is data, not a bug.
 */
export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string | undefined;
  constructor(error: string, cause?: string) {
    super(cause ? `${error}: ${cause}` : error);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
  }
}

export const States = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  Aborted: 'States.Aborted',
} as const;

export function runtimeError(message: string): StatesError {
  return new StatesError(States.Runtime, message);
}
