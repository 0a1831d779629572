import { createHash, randomUUID } from 'node:crypto';
import { States, StatesError } from '../errors.js';
import { readPath } from './jsonpath.js';

type Arg =
  | { kind: 'literal'; value: unknown }
  | { kind: 'path'; path: string }
  | { kind: 'call'; name: string; args: Arg[] };

/** Data an intrinsic's paths read: `$` is the state input, `$$` the context object. */
export interface PathScope {
  input: unknown;
  context: unknown;
}

export function isIntrinsic(expr: string): boolean {
  return /^States\.[A-Za-z0-9]+\(/.test(expr.trim());
}

/** Evaluates a `.$` value: a JSONPath (`$...`), a context path (`$$...`) or an intrinsic function call. */
export function evaluateExpression(expr: string, scope: PathScope): unknown {
  const trimmed = expr.trim();
  if (isIntrinsic(trimmed)) return evalArg(parseIntrinsic(trimmed), scope);
  return readScopedPath(trimmed, scope);
}

export function readScopedPath(path: string, scope: PathScope): unknown {
  return path.startsWith('$$') ? readPath(scope.context, path.slice(1)) : readPath(scope.input, path);
}

const parsed = new Map<string, Arg>();

export function parseIntrinsic(src: string): Arg {
  const hit = parsed.get(src);
  if (hit) return hit;
  let pos = 0;
  const fail = (msg: string): never => {
    throw new StatesError(States.IntrinsicFailure, `${msg} at offset ${pos} in '${src}'`);
  };
  const ws = () => {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  };
  const parseArg = (): Arg => {
    ws();
    const c = src[pos];
    if (c === "'") {
      let s = '';
      pos++;
      while (pos < src.length && src[pos] !== "'") {
        if (src[pos] === '\\' && pos + 1 < src.length) pos++;
        s += src[pos++];
      }
      if (src[pos] !== "'") fail('unterminated string');
      pos++;
      return { kind: 'literal', value: s };
    }
    if (c === '$') {
      const start = pos;
      let depth = 0;
      while (pos < src.length) {
        const ch = src[pos]!;
        if (ch === '[') depth++;
        else if (ch === ']') depth--;
        else if (depth === 0 && (ch === ',' || ch === ')' || /\s/.test(ch))) break;
        pos++;
      }
      return { kind: 'path', path: src.slice(start, pos) };
    }
    if (src.startsWith('States.', pos)) {
      const m = /^States\.([A-Za-z0-9]+)\(/.exec(src.slice(pos)) ?? fail('invalid function call');
      pos += m![0].length;
      const args: Arg[] = [];
      ws();
      if (src[pos] === ')') {
        pos++;
        return { kind: 'call', name: m![1]!, args };
      }
      for (;;) {
        args.push(parseArg());
        ws();
        if (src[pos] === ',') pos++;
        else if (src[pos] === ')') {
          pos++;
          break;
        } else fail("expected ',' or ')'");
      }
      return { kind: 'call', name: m![1]!, args };
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(src.slice(pos)) ?? fail('invalid argument');
    pos += m![0].length;
    return { kind: 'literal', value: JSON.parse(m![0]) };
  };
  const arg = parseArg();
  ws();
  if (pos !== src.length || arg.kind !== 'call') fail('unexpected trailing text');
  parsed.set(src, arg);
  return arg;
}

function evalArg(arg: Arg, scope: PathScope): unknown {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return readScopedPath(arg.path, scope);
  const fn = FUNCTIONS[arg.name];
  if (!fn) throw new StatesError(States.IntrinsicFailure, `unknown intrinsic function States.${arg.name}`);
  return fn(arg.args.map((a) => evalArg(a, scope)));
}

function fail(name: string, msg: string): never {
  throw new StatesError(States.IntrinsicFailure, `States.${name}: ${msg}`);
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) fail(name, `expected ${min}${max !== min ? `-${max}` : ''} arguments`);
}

function num(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(name, `expected a number, got ${JSON.stringify(v)}`);
  return v as number;
}

function str(name: string, v: unknown): string {
  if (typeof v !== 'string') fail(name, `expected a string, got ${JSON.stringify(v)}`);
  return v as string;
}

function arr(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(name, `expected an array, got ${JSON.stringify(v)}`);
  return v as unknown[];
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  Format([template, ...values]) {
    const t = str('Format', template);
    let i = 0;
    const out = t.replace(/\\([{}\\'])|\{\}/g, (_match, escaped: string | undefined) => {
      if (escaped) return escaped;
      if (i >= values.length) fail('Format', 'more {} placeholders than arguments');
      return formatValue(values[i++]);
    });
    if (i !== values.length) fail('Format', 'more arguments than {} placeholders');
    return out;
  },
  StringToJson(args) {
    arity('StringToJson', args, 1);
    try {
      return JSON.parse(str('StringToJson', args[0]));
    } catch {
      return fail('StringToJson', 'argument is not valid JSON');
    }
  },
  JsonToString(args) {
    arity('JsonToString', args, 1);
    return JSON.stringify(args[0]);
  },
  Array: (args) => args,
  ArrayPartition(args) {
    arity('ArrayPartition', args, 2);
    const a = arr('ArrayPartition', args[0]);
    const size = num('ArrayPartition', args[1]);
    if (size <= 0 || !Number.isInteger(size)) fail('ArrayPartition', 'chunk size must be a positive integer');
    const out: unknown[][] = [];
    for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
    return out;
  },
  ArrayContains(args) {
    arity('ArrayContains', args, 2);
    const needle = JSON.stringify(args[1]);
    return arr('ArrayContains', args[0]).some((v) => JSON.stringify(v) === needle);
  },
  ArrayRange(args) {
    arity('ArrayRange', args, 3);
    const [a, b, s] = args.map((v) => num('ArrayRange', v)) as [number, number, number];
    if (s === 0) fail('ArrayRange', 'step must not be 0');
    const out: number[] = [];
    for (let v = a; s > 0 ? v <= b : v >= b; v += s) out.push(v);
    if (out.length > 1000) fail('ArrayRange', 'more than 1000 elements');
    return out;
  },
  ArrayGetItem(args) {
    arity('ArrayGetItem', args, 2);
    return arr('ArrayGetItem', args[0])[num('ArrayGetItem', args[1])] ?? null;
  },
  ArrayLength(args) {
    arity('ArrayLength', args, 1);
    return arr('ArrayLength', args[0]).length;
  },
  ArrayUnique(args) {
    arity('ArrayUnique', args, 1);
    const seen = new Set<string>();
    return arr('ArrayUnique', args[0]).filter((v) => {
      const k = JSON.stringify(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  },
  Base64Encode(args) {
    arity('Base64Encode', args, 1);
    return Buffer.from(str('Base64Encode', args[0]), 'utf8').toString('base64');
  },
  Base64Decode(args) {
    arity('Base64Decode', args, 1);
    return Buffer.from(str('Base64Decode', args[0]), 'base64').toString('utf8');
  },
  Hash(args) {
    arity('Hash', args, 2);
    const algo = str('Hash', args[1]);
    const map: Record<string, string> = {
      MD5: 'md5',
      'SHA-1': 'sha1',
      'SHA-256': 'sha256',
      'SHA-384': 'sha384',
      'SHA-512': 'sha512',
    };
    const alg = map[algo] ?? fail('Hash', `unsupported algorithm ${algo}`);
    return createHash(alg).update(formatValue(args[0])).digest('hex');
  },
  JsonMerge(args) {
    arity('JsonMerge', args, 3);
    if (args[2] !== false) fail('JsonMerge', 'only shallow merge (false) is supported, as in Step Functions');
    const [a, b] = args;
    if (!isObject(a) || !isObject(b)) fail('JsonMerge', 'both arguments must be objects');
    return { ...(a as object), ...(b as object) };
  },
  MathRandom(args) {
    arity('MathRandom', args, 2, 3);
    const lo = num('MathRandom', args[0]);
    const hi = num('MathRandom', args[1]);
    return lo + Math.floor(Math.random() * (hi - lo));
  },
  MathAdd(args) {
    arity('MathAdd', args, 2);
    return num('MathAdd', args[0]) + num('MathAdd', args[1]);
  },
  StringSplit(args) {
    arity('StringSplit', args, 2);
    const s = str('StringSplit', args[0]);
    const delims = new Set(str('StringSplit', args[1]));
    const out: string[] = [];
    let cur = '';
    for (const ch of s) {
      if (delims.has(ch)) {
        if (cur) out.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (cur) out.push(cur);
    return out;
  },
  UUID(args) {
    arity('UUID', args, 0);
    return randomUUID();
  },
};

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export const SUPPORTED_INTRINSICS = Object.keys(FUNCTIONS).map((n) => `States.${n}`);
