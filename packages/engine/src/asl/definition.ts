import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DefinitionError } from '../errors.js';
import { isIntrinsic, parseIntrinsic } from './intrinsics.js';
import { parsePath } from './jsonpath.js';
import type { StateMachineDef } from './types.js';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const S3_GET_OBJECT = 'arn:aws:states:::s3:getObject';
export const S3_LIST_OBJECTS_V2 = 'arn:aws:states:::s3:listObjectsV2';
export const S3_PUT_OBJECT = 'arn:aws:states:::s3:putObject';
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;

const COMMON = ['Type', 'Comment'];
const FLOW = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath'];
/** The fields every state that does work (Task, Map, Parallel) takes. */
const WORK = [...COMMON, ...FLOW, ...IO, 'ResultPath', 'Parameters', 'ResultSelector', 'Retry', 'Catch'];
const FIELDS: Record<string, string[]> = {
  Pass: [...COMMON, ...FLOW, ...IO, 'ResultPath', 'Parameters', 'Result'],
  Task: [...WORK, 'Resource', 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath'],
  Choice: [...COMMON, ...IO, 'Choices', 'Default'],
  Wait: [...COMMON, ...FLOW, ...IO, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'],
  Succeed: [...COMMON, ...IO],
  Fail: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Map: [
    ...WORK,
    'ItemsPath',
    'ItemSelector',
    'ItemProcessor',
    'Iterator',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'Label',
  ],
  Parallel: [...WORK, 'Branches'],
};
const DISTRIBUTED_ONLY = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'Label',
];

const COMPARATORS = [
  'StringEquals',
  'StringLessThan',
  'StringGreaterThan',
  'StringLessThanEquals',
  'StringGreaterThanEquals',
  'NumericEquals',
  'NumericLessThan',
  'NumericGreaterThan',
  'NumericLessThanEquals',
  'NumericGreaterThanEquals',
  'BooleanEquals',
  'TimestampEquals',
  'TimestampLessThan',
  'TimestampGreaterThan',
  'TimestampLessThanEquals',
  'TimestampGreaterThanEquals',
];
export const CHOICE_OPERATORS = new Set([
  ...COMPARATORS,
  ...COMPARATORS.map((c) => `${c}Path`),
  'StringMatches',
  'IsNull',
  'IsPresent',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
]);

export interface LoadOptions {
  /** Values for `${Name}` placeholders (CDK DefinitionSubstitutions). Every placeholder must have one. */
  substitutions?: Record<string, string>;
}

/** Reads a definition from a parsed object, a JSON/YAML string or a file path; substitutes and validates it. */
export function loadDefinition(source: unknown, opts: LoadOptions = {}): StateMachineDef {
  let raw = source;
  if (typeof source === 'string') {
    // A path never holds a newline or a brace; definition text always does.
    const text = /[\n{]/.test(source) ? source : readFileSync(source, 'utf8');
    raw = parseYaml(text);
  }
  const substituted = substitute(raw, opts.substitutions ?? {}, '');
  validateMachine(substituted, '');
  return substituted as StateMachineDef;
}

function substitute(value: unknown, subs: Record<string, string>, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
      const v = subs[name];
      if (v === undefined) throw new DefinitionError(where || '(root)', `no substitution given for \${${name}}`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, subs, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, subs, where ? `${where}.${k}` : k)]),
    );
  }
  return value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function need(cond: unknown, field: string, message: string): asserts cond {
  if (!cond) throw new DefinitionError(field, message);
}

function onlyFields(obj: Record<string, unknown>, allowed: string[], at: string): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!allowed.includes(k)) {
      throw new DefinitionError(`${at}.${k}`, `unsupported field '${k}'${isRecord(v) ? '' : `: ${JSON.stringify(v)}`}`);
    }
  }
}

function oneOf(value: unknown, allowed: readonly unknown[], field: string): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new DefinitionError(field, `${String(value)} is not supported (supported: ${allowed.join(', ')})`);
  }
}

function checkPathField(value: unknown, field: string, nullable = false): void {
  if (value === undefined || (nullable && value === null)) return;
  need(typeof value === 'string', field, 'must be a JSONPath string');
  try {
    if (value.startsWith('$$')) parsePath(value.slice(1));
    else parsePath(value);
  } catch (err) {
    throw new DefinitionError(field, (err as Error).message);
  }
}

function checkTemplate(tpl: unknown, field: string): void {
  if (Array.isArray(tpl)) {
    for (const [i, v] of tpl.entries()) checkTemplate(v, `${field}[${i}]`);
  }
  if (!isRecord(tpl)) return;
  for (const [k, v] of Object.entries(tpl)) {
    if (k.endsWith('.$')) {
      need(typeof v === 'string', `${field}.${k}`, 'a .$ field must be a JSONPath or intrinsic function string');
      if (isIntrinsic(v)) {
        try {
          parseIntrinsic(v.trim());
        } catch (err) {
          throw new DefinitionError(`${field}.${k}`, (err as Error).message);
        }
      } else checkPathField(v, `${field}.${k}`);
    } else checkTemplate(v, `${field}.${k}`);
  }
}

function validateMachine(def: unknown, at: string): void {
  const where = at || '(root)';
  need(isRecord(def), where, 'a state machine must be an object');
  onlyFields(
    def,
    ['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage', 'ProcessorConfig'],
    where,
  );
  oneOf(def.QueryLanguage, ['JSONPath'], `${prefix(at)}QueryLanguage`);
  need(isRecord(def.States), `${prefix(at)}States`, 'must be an object');
  need(
    typeof def.StartAt === 'string' && def.StartAt in def.States,
    `${prefix(at)}StartAt`,
    `'${String(def.StartAt)}' is not a state`,
  );
  const names = new Set(Object.keys(def.States));
  for (const [name, state] of Object.entries(def.States))
    validateState(name, state, names, `${prefix(at)}States.${name}`);
}

function prefix(at: string): string {
  return at ? `${at}.` : '';
}

function validateState(name: string, state: unknown, names: Set<string>, at: string): void {
  need(isRecord(state), at, 'a state must be an object');
  const type = state.Type;
  need(typeof type === 'string' && type in FIELDS, `${at}.Type`, `unsupported state type: ${String(type)}`);
  onlyFields(state, FIELDS[type]!, at);
  const terminal = type === 'Succeed' || type === 'Fail' || type === 'Choice';
  if (!terminal) {
    need(Boolean(state.End) !== (state.Next !== undefined), at, `state '${name}' needs exactly one of Next or End`);
  }
  if (state.Next !== undefined)
    need(names.has(state.Next as string), `${at}.Next`, `'${String(state.Next)}' is not a state`);
  checkPathField(state.InputPath, `${at}.InputPath`, true);
  checkPathField(state.OutputPath, `${at}.OutputPath`, true);
  checkPathField(state.ResultPath, `${at}.ResultPath`, true);
  checkTemplate(state.Parameters, `${at}.Parameters`);
  checkTemplate(state.ResultSelector, `${at}.ResultSelector`);
  for (const [i, r] of ((state.Retry as unknown[]) ?? []).entries()) validateRetrier(r, `${at}.Retry[${i}]`);
  for (const [i, c] of ((state.Catch as unknown[]) ?? []).entries()) {
    need(isRecord(c), `${at}.Catch[${i}]`, 'must be an object');
    onlyFields(c, ['ErrorEquals', 'Next', 'ResultPath', 'Comment'], `${at}.Catch[${i}]`);
    need(
      Array.isArray(c.ErrorEquals) && c.ErrorEquals.length > 0,
      `${at}.Catch[${i}].ErrorEquals`,
      'must be a non-empty array',
    );
    need(names.has(c.Next as string), `${at}.Catch[${i}].Next`, `'${String(c.Next)}' is not a state`);
    checkPathField(c.ResultPath, `${at}.Catch[${i}].ResultPath`, true);
  }
  switch (type) {
    case 'Task':
      validateTask(state, at);
      break;
    case 'Choice':
      need(Array.isArray(state.Choices) && state.Choices.length > 0, `${at}.Choices`, 'must be a non-empty array');
      state.Choices.forEach((rule, i) => {
        validateChoiceRule(rule, `${at}.Choices[${i}]`, names, true);
      });
      if (state.Default !== undefined) need(names.has(state.Default as string), `${at}.Default`, 'is not a state');
      break;
    case 'Wait': {
      const n = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((k) => state[k] !== undefined);
      need(n.length === 1, at, 'a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath');
      break;
    }
    case 'Map':
      validateMap(state, at);
      break;
    case 'Parallel':
      need(Array.isArray(state.Branches) && state.Branches.length > 0, `${at}.Branches`, 'must be a non-empty array');
      state.Branches.forEach((b, i) => {
        validateMachine(b, `${at}.Branches[${i}]`);
      });
      break;
  }
}

function validateRetrier(r: unknown, at: string): void {
  need(isRecord(r), at, 'must be an object');
  onlyFields(
    r,
    ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'],
    at,
  );
  need(Array.isArray(r.ErrorEquals) && r.ErrorEquals.length > 0, `${at}.ErrorEquals`, 'must be a non-empty array');
  oneOf(r.JitterStrategy, ['FULL', 'NONE'], `${at}.JitterStrategy`);
  if (r.BackoffRate !== undefined) need(Number(r.BackoffRate) >= 1, `${at}.BackoffRate`, 'must be >= 1.0');
  if (r.MaxAttempts !== undefined)
    need(Number.isInteger(r.MaxAttempts) && Number(r.MaxAttempts) >= 0, `${at}.MaxAttempts`, 'must be an integer >= 0');
  if (r.IntervalSeconds !== undefined)
    need(
      Number.isInteger(r.IntervalSeconds) && Number(r.IntervalSeconds) >= 1,
      `${at}.IntervalSeconds`,
      'must be an integer >= 1',
    );
}

function validateTask(state: Record<string, unknown>, at: string): void {
  const res = state.Resource;
  need(typeof res === 'string', `${at}.Resource`, 'is required');
  need(
    res === LAMBDA_INVOKE || LAMBDA_ARN.test(res),
    `${at}.Resource`,
    `unsupported resource: ${res} (supported: ${LAMBDA_INVOKE} and Lambda function ARNs)`,
  );
  if (res === LAMBDA_INVOKE) {
    need(isRecord(state.Parameters), `${at}.Parameters`, 'lambda:invoke needs Parameters with FunctionName');
    onlyFields(
      state.Parameters,
      ['FunctionName', 'FunctionName.$', 'Payload', 'Payload.$', 'Qualifier', 'InvocationType'],
      `${at}.Parameters`,
    );
    need(
      'FunctionName' in state.Parameters || 'FunctionName.$' in state.Parameters,
      `${at}.Parameters.FunctionName`,
      'is required',
    );
    oneOf(state.Parameters.InvocationType, ['RequestResponse'], `${at}.Parameters.InvocationType`);
  }
  for (const k of ['TimeoutSeconds', 'HeartbeatSeconds']) {
    if (state[k] !== undefined)
      need(Number.isInteger(state[k]) && Number(state[k]) > 0, `${at}.${k}`, 'must be a positive integer');
  }
  checkPathField(state.TimeoutSecondsPath, `${at}.TimeoutSecondsPath`);
  checkPathField(state.HeartbeatSecondsPath, `${at}.HeartbeatSecondsPath`);
}

function validateChoiceRule(rule: unknown, at: string, names: Set<string>, top: boolean): void {
  need(isRecord(rule), at, 'must be an object');
  if (top) need(names.has(rule.Next as string), `${at}.Next`, `'${String(rule.Next)}' is not a state`);
  for (const k of Object.keys(rule)) {
    if (k === 'Next' || k === 'Comment') continue;
    if (k === 'And' || k === 'Or') {
      need(Array.isArray(rule[k]), `${at}.${k}`, 'must be an array');
      (rule[k] as unknown[]).forEach((r, i) => {
        validateChoiceRule(r, `${at}.${k}[${i}]`, names, false);
      });
    } else if (k === 'Not') validateChoiceRule(rule.Not, `${at}.Not`, names, false);
    else if (k === 'Variable') checkPathField(rule.Variable, `${at}.Variable`);
    else need(CHOICE_OPERATORS.has(k), `${at}.${k}`, `unsupported field '${k}'`);
  }
}

function validateMap(state: Record<string, unknown>, at: string): void {
  need(!(state.ItemProcessor && state.Iterator), at, 'use ItemProcessor or Iterator, not both');
  const processor = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
  need(isRecord(processor), `${at}.ItemProcessor`, 'is required');
  const config = (processor.ProcessorConfig ?? {}) as Record<string, unknown>;
  need(isRecord(config), `${at}.ItemProcessor.ProcessorConfig`, 'must be an object');
  onlyFields(config, ['Mode', 'ExecutionType'], `${at}.ItemProcessor.ProcessorConfig`);
  oneOf(config.Mode, ['INLINE', 'DISTRIBUTED'], `${at}.ItemProcessor.ProcessorConfig.Mode`);
  oneOf(config.ExecutionType, ['STANDARD', 'EXPRESS'], `${at}.ItemProcessor.ProcessorConfig.ExecutionType`);
  const distributed = config.Mode === 'DISTRIBUTED';
  if (distributed)
    need(
      config.ExecutionType !== undefined,
      `${at}.ItemProcessor.ProcessorConfig.ExecutionType`,
      'is required in DISTRIBUTED mode',
    );
  validateMachine({ ...processor, ProcessorConfig: undefined }, `${at}.ItemProcessor`);
  if (!distributed) {
    for (const k of DISTRIBUTED_ONLY)
      need(state[k] === undefined, `${at}.${k}`, `unsupported field '${k}' in INLINE mode`);
  }
  need(!(state.Parameters && state.ItemSelector), at, 'use ItemSelector or Parameters, not both');
  need(!(state.ItemReader && state.ItemsPath), `${at}.ItemsPath`, 'cannot be combined with ItemReader');
  checkPathField(state.ItemsPath, `${at}.ItemsPath`);
  checkTemplate(state.ItemSelector, `${at}.ItemSelector`);
  for (const k of ['MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath']) {
    checkPathField(state[k], `${at}.${k}`);
    need(
      !(state[k] !== undefined && state[k.replace(/Path$/, '')] !== undefined),
      `${at}.${k}`,
      `cannot be combined with ${k.replace(/Path$/, '')}`,
    );
  }
  if (state.ItemReader !== undefined) validateItemReader(state.ItemReader, `${at}.ItemReader`);
  if (state.ItemBatcher !== undefined) {
    const b = state.ItemBatcher;
    need(isRecord(b), `${at}.ItemBatcher`, 'must be an object');
    onlyFields(
      b,
      ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', 'BatchInput'],
      `${at}.ItemBatcher`,
    );
    need(
      ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'].some(
        (k) => b[k] !== undefined,
      ),
      `${at}.ItemBatcher`,
      'needs MaxItemsPerBatch[Path] or MaxInputBytesPerBatch[Path]',
    );
    checkPathField(b.MaxItemsPerBatchPath, `${at}.ItemBatcher.MaxItemsPerBatchPath`);
    checkPathField(b.MaxInputBytesPerBatchPath, `${at}.ItemBatcher.MaxInputBytesPerBatchPath`);
    checkTemplate(b.BatchInput, `${at}.ItemBatcher.BatchInput`);
  }
  if (state.ResultWriter !== undefined) {
    const w = state.ResultWriter;
    need(isRecord(w), `${at}.ResultWriter`, 'must be an object');
    onlyFields(w, ['Resource', 'Parameters'], `${at}.ResultWriter`);
    need(
      w.Resource === S3_PUT_OBJECT,
      `${at}.ResultWriter.Resource`,
      `unsupported resource: ${String(w.Resource)} (supported: ${S3_PUT_OBJECT})`,
    );
    need(isRecord(w.Parameters), `${at}.ResultWriter.Parameters`, 'is required');
    onlyFields(w.Parameters, ['Bucket', 'Bucket.$', 'Prefix', 'Prefix.$'], `${at}.ResultWriter.Parameters`);
    checkTemplate(w.Parameters, `${at}.ResultWriter.Parameters`);
  }
}

function validateItemReader(r: unknown, at: string): void {
  need(isRecord(r), at, 'must be an object');
  onlyFields(r, ['Resource', 'ReaderConfig', 'Parameters'], at);
  oneOf(r.Resource, [S3_GET_OBJECT, S3_LIST_OBJECTS_V2], `${at}.Resource`);
  need(isRecord(r.Parameters), `${at}.Parameters`, 'is required');
  const allowedParams = r.Resource === S3_LIST_OBJECTS_V2 ? ['Bucket', 'Prefix'] : ['Bucket', 'Key'];
  onlyFields(
    r.Parameters,
    allowedParams.flatMap((p) => [p, `${p}.$`]),
    `${at}.Parameters`,
  );
  checkTemplate(r.Parameters, `${at}.Parameters`);
  const cfg = (r.ReaderConfig ?? {}) as Record<string, unknown>;
  need(isRecord(cfg), `${at}.ReaderConfig`, 'must be an object');
  onlyFields(
    cfg,
    ['InputType', 'CSVHeaderLocation', 'CSVHeaders', 'CSVDelimiter', 'MaxItems', 'MaxItemsPath'],
    `${at}.ReaderConfig`,
  );
  if (r.Resource === S3_GET_OBJECT) {
    need(cfg.InputType !== undefined, `${at}.ReaderConfig.InputType`, 'is required for s3:getObject');
    oneOf(cfg.InputType, ['JSON', 'JSONL', 'CSV'], `${at}.ReaderConfig.InputType`);
  } else {
    need(cfg.InputType === undefined, `${at}.ReaderConfig.InputType`, 'is not allowed with s3:listObjectsV2');
  }
  oneOf(cfg.CSVHeaderLocation, ['FIRST_ROW', 'GIVEN'], `${at}.ReaderConfig.CSVHeaderLocation`);
  oneOf(cfg.CSVDelimiter, ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'], `${at}.ReaderConfig.CSVDelimiter`);
  if (cfg.InputType === 'CSV')
    need(cfg.CSVHeaderLocation !== undefined, `${at}.ReaderConfig.CSVHeaderLocation`, 'is required for CSV');
  if (cfg.CSVHeaderLocation === 'GIVEN')
    need(Array.isArray(cfg.CSVHeaders), `${at}.ReaderConfig.CSVHeaders`, 'is required when CSVHeaderLocation is GIVEN');
  if (cfg.MaxItems !== undefined)
    need(
      Number.isInteger(cfg.MaxItems) && Number(cfg.MaxItems) >= 0,
      `${at}.ReaderConfig.MaxItems`,
      'must be an integer >= 0',
    );
  need(
    !(cfg.MaxItems !== undefined && cfg.MaxItemsPath !== undefined),
    `${at}.ReaderConfig.MaxItemsPath`,
    'cannot be combined with MaxItems',
  );
  checkPathField(cfg.MaxItemsPath, `${at}.ReaderConfig.MaxItemsPath`);
}
