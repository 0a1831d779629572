export { ANALYSIS_DEFINITION_PATH, LOCAL_FUNCTIONS, loadAnalysisDefinition, localSubstitutions } from './definition.js';
export { RuntimeError, WorkerCrashedError } from './errors.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
