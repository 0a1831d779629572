import { States, StatesError } from '../errors.js';
import type { PathScope } from './intrinsics.js';
import { readScopedPath } from './intrinsics.js';
import { hasPath } from './jsonpath.js';
import type { ChoiceRule } from './types.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Picks the Next of the first matching rule, else Default, else fails with States.NoChoiceMatched. */
export function chooseNext(rules: ChoiceRule[], fallback: string | undefined, scope: PathScope): string {
  for (const rule of rules) if (evaluateRule(rule, scope)) return rule.Next!;
  if (fallback) return fallback;
  throw new StatesError(States.NoChoiceMatched, 'No Choice Rules matched and no Default was specified');
}

function evaluateRule(rule: ChoiceRule, scope: PathScope): boolean {
  if (rule.And) return rule.And.every((r) => evaluateRule(r, scope));
  if (rule.Or) return rule.Or.some((r) => evaluateRule(r, scope));
  if (rule.Not) return !evaluateRule(rule.Not, scope);
  const variable = rule.Variable!;
  const op = Object.keys(rule).find((k) => k !== 'Variable' && k !== 'Next' && k !== 'Comment')!;
  const present = variable.startsWith('$$')
    ? hasPath(scope.context, variable.slice(1))
    : hasPath(scope.input, variable);
  if (op === 'IsPresent') return present === rule.IsPresent;
  if (!present)
    throw new StatesError(
      States.Runtime,
      `Invalid path '${variable}': the choice state's condition path references an invalid value.`,
    );
  const value = readScopedPath(variable, scope);
  switch (op) {
    case 'IsNull':
      return (value === null) === rule.IsNull;
    case 'IsNumeric':
      return (typeof value === 'number') === rule.IsNumeric;
    case 'IsString':
      return (typeof value === 'string') === rule.IsString;
    case 'IsBoolean':
      return (typeof value === 'boolean') === rule.IsBoolean;
    case 'IsTimestamp':
      return (typeof value === 'string' && TIMESTAMP.test(value)) === rule.IsTimestamp;
    case 'StringMatches':
      return typeof value === 'string' && globMatch(value, rule.StringMatches as string);
  }
  const isPath = op.endsWith('Path');
  const base = isPath ? op.slice(0, -4) : op;
  const operand = isPath ? readScopedPath(rule[op] as string, scope) : rule[op];
  const kind = /^(String|Numeric|Boolean|Timestamp)/.exec(base)![1]!;
  const cmp = base.slice(kind.length);
  let a: string | number | boolean;
  let b: string | number | boolean;
  if (kind === 'String') {
    if (typeof value !== 'string' || typeof operand !== 'string') return false;
    [a, b] = [value, operand];
  } else if (kind === 'Numeric') {
    if (typeof value !== 'number' || typeof operand !== 'number') return false;
    [a, b] = [value, operand];
  } else if (kind === 'Boolean') {
    return typeof value === 'boolean' && value === operand;
  } else {
    if (typeof value !== 'string' || typeof operand !== 'string' || !TIMESTAMP.test(value)) return false;
    [a, b] = [Date.parse(value), Date.parse(operand)];
  }
  switch (cmp) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'GreaterThan':
      return a > b;
    case 'LessThanEquals':
      return a <= b;
    default:
      return a >= b;
  }
}

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are literals. */
function globMatch(value: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '*') re += '.*';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's').test(value);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
