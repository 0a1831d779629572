const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const NEWLINE = 0x0a;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** A byte range of the buffer that holds only whitespace. */
function blank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!SPACE.has(buf[i]!)) return false;
  return true;
}

/**
 * The elements of a top-level JSON array, parsed one element at a time straight from the object's bytes: the
 * manifest is never also held as one string (500,000 image sets are ~100 MB of JSON). Returns undefined when the
 * text is not an array; a malformed element throws as JSON.parse does.
 */
export function parseJsonArrayElements(buf: Buffer): unknown[] | undefined {
  let i = 0;
  while (i < buf.length && SPACE.has(buf[i]!)) i++;
  if (buf[i] !== OPEN_ARRAY) return undefined;
  const items: unknown[] = [];
  const element = (start: number, end: number) => items.push(JSON.parse(buf.toString('utf8', start, end)));
  let depth = 0;
  let inString = false;
  let start = i + 1;
  for (; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) depth++;
    else if (c === COMMA && depth === 1) {
      element(start, i);
      start = i + 1;
    } else if (CLOSE.has(c) && --depth === 0) {
      // `[]` has no element; any other blank element (`[1,]`) is a syntax error, as JSON.parse says.
      if (items.length > 0 || !blank(buf, start, i)) element(start, i);
      if (!blank(buf, i + 1, buf.length)) throw new SyntaxError('Unexpected non-whitespace character after JSON');
      return items;
    }
  }
  throw new SyntaxError('Unexpected end of JSON input');
}

/** The non-blank lines of a JSON Lines object, each parsed from its own byte range. */
export function parseJsonLines(buf: Buffer): unknown[] {
  const items: unknown[] = [];
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(NEWLINE, start);
    if (end < 0) end = buf.length;
    if (!blank(buf, start, end)) items.push(JSON.parse(buf.toString('utf8', start, end)));
    start = end + 1;
  }
  return items;
}
