export { ANALYSIS_DEFINITION_PATH, LOCAL_FUNCTIONS, loadAnalysisDefinition, localSubstitutions } from './definition.js';
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
