import { runtimeError } from '../errors.js';

type Segment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start: number | undefined; end: number | undefined };

const cache = new Map<string, Segment[]>();

/** Parses the JSONPath subset ASL paths use: `$`, `.name`, `['name']`, `[3]`, `[-1]`, `[*]`, `.*`, `[1:3]`. */
export function parsePath(path: string): Segment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!path.startsWith('$')) throw runtimeError(`invalid JSONPath '${path}': must start with '$'`);
  const segments: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') throw runtimeError(`invalid JSONPath '${path}': deep scan '..' is not supported`);
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) throw runtimeError(`invalid JSONPath '${path}' at offset ${i}`);
      segments.push(m[0] === '*' ? { kind: 'wildcard' } : { kind: 'key', key: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw runtimeError(`invalid JSONPath '${path}': unclosed '['`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segments.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (/^(-?\d+)?:(-?\d+)?$/.test(inner)) {
        const [a, b] = inner.split(':');
        segments.push({ kind: 'slice', start: a ? Number(a) : undefined, end: b ? Number(b) : undefined });
      } else if (/^'.*'$|^".*"$/.test(inner)) segments.push({ kind: 'key', key: inner.slice(1, -1) });
      else throw runtimeError(`invalid JSONPath '${path}': filter expressions are not supported`);
      i = close + 1;
    } else {
      throw runtimeError(`invalid JSONPath '${path}' at offset ${i}`);
    }
  }
  cache.set(path, segments);
  return segments;
}

const MISSING = Symbol('missing');

function step(values: unknown[], seg: Segment, multi: boolean): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (seg.kind === 'slice') {
      if (Array.isArray(v)) out.push(...v.slice(seg.start, seg.end));
      continue;
    }
    if (seg.kind === 'wildcard') {
      if (Array.isArray(v)) out.push(...v);
      else if (v !== null && typeof v === 'object') out.push(...Object.values(v));
      continue;
    }
    let next: unknown = MISSING;
    if (seg.kind === 'key' && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, seg.key)) {
      next = (v as Record<string, unknown>)[seg.key];
    } else if (seg.kind === 'index' && Array.isArray(v)) {
      const idx = seg.index < 0 ? v.length + seg.index : seg.index;
      if (idx >= 0 && idx < v.length) next = v[idx];
    }
    if (next !== MISSING) out.push(next);
    else if (!multi) return [];
  }
  return out;
}

/** Reads `path` from `data`; a path that matches nothing is a States.Runtime error, as in Step Functions. */
export function readPath(data: unknown, path: string): unknown {
  const segments = parsePath(path);
  let values: unknown[] = [data];
  let multi = false;
  for (const seg of segments) {
    if (seg.kind === 'wildcard' || seg.kind === 'slice') multi = true;
    values = step(values, seg, multi);
    if (!multi && values.length === 0) {
      throw runtimeError(`The JSONPath '${path}' could not be found in the input '${truncate(JSON.stringify(data))}'`);
    }
  }
  return multi ? values : values[0];
}

/** Whether `path` matches a value (Choice `IsPresent`). */
export function hasPath(data: unknown, path: string): boolean {
  try {
    readPath(data, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * ResultPath semantics: returns a copy of `input` with `value` placed at `path` (creating objects on the
 * way); `$` replaces the input; the input is never mutated.
 */
export function writePath(input: unknown, path: string, value: unknown): unknown {
  const segments = parsePath(path);
  if (segments.length === 0) return value;
  const put = (target: unknown, idx: number): unknown => {
    const seg = segments[idx]!;
    if (seg.kind !== 'key') throw runtimeError(`ResultPath '${path}' may only contain field names`);
    if (target !== undefined && (target === null || typeof target !== 'object' || Array.isArray(target))) {
      throw runtimeError(
        `Unable to apply ResultPath '${path}' to input '${truncate(JSON.stringify(input))}': not an object`,
      );
    }
    const obj = { ...((target as Record<string, unknown> | undefined) ?? {}) };
    obj[seg.key] = idx === segments.length - 1 ? value : put(obj[seg.key], idx + 1);
    return obj;
  };
  return put(input, 0);
}

function truncate(s: string | undefined): string {
  if (s === undefined) return 'undefined';
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}
