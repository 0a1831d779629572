import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A directory entry; `order` is its name's UTF-8, with "/" after a directory's: the order of the keys below it. */
interface Entry {
  name: string;
  dir: boolean;
  order: Buffer;
}

/**
 * A directory whose mtime is this recent may change again within the clock's granularity (Linux stamps a jiffy)
 * without its mtime changing: its entries are not kept.
 */
const QUIET_MS = 1000;
/** Directories kept: the path of one walk, and a few others listed alongside. */
const KEPT_DIRS = 4;

const missing = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && prefix.compare(bytes, 0, prefix.length) === 0;
}

/** The first index whose entry passes `test`, for a test that fails then passes along the entries. */
function firstIndex(entries: Entry[], test: (e: Entry) => boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(entries[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Keys of a directory tree in S3's order (UTF-8 bytes), a page at a time: a page reads only the directories that
 * can hold its keys, from a binary search of their sorted entries, and a directory's sorted entries are kept while
 * it is unchanged. Listing N keys a page of 1,000 at a time costs O(N log N), not O(N²) (every page re-reading
 * and sorting every key under the prefix).
 */
export class SortedDirectories {
  private readonly kept = new Map<string, { stamp: string; entries: Entry[] }>();

  constructor(private readonly root: string) {}

  /** Up to `limit` keys that start with `prefix` and sort after `after` (every key when `after` is undefined). */
  async keys(prefix: string, after: string | undefined, limit: number): Promise<string[]> {
    const out: string[] = [];
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const afterBytes = after === undefined ? undefined : Buffer.from(after, 'utf8');
    await this.collect(dirKey, afterBytes, Buffer.from(prefix, 'utf8'), out, limit);
    return out;
  }

  private async collect(
    dirKey: string,
    after: Buffer | undefined,
    prefix: Buffer | undefined,
    out: string[],
    limit: number,
  ): Promise<void> {
    const entries = await this.entries(join(this.root, dirKey));
    if (!entries) return;
    const base = Buffer.from(dirKey, 'utf8');
    const keyOf = (e: Entry) => Buffer.concat([base, e.order]);
    // The first entry with a key after `after`: a file past it, or a directory past it or holding it.
    let i = after
      ? firstIndex(entries, (e) => {
          const k = keyOf(e);
          return k.compare(after) > 0 || (e.dir && startsWith(after, k));
        })
      : 0;
    if (prefix)
      i = Math.max(
        i,
        firstIndex(entries, (e) => keyOf(e).compare(prefix) >= 0),
      );
    for (; i < entries.length && out.length < limit; i++) {
      const e = entries[i]!;
      const k = keyOf(e);
      if (prefix && !startsWith(k, prefix)) break;
      if (e.dir)
        await this.collect(
          `${dirKey}${e.name}/`,
          after && startsWith(after, k) ? after : undefined,
          undefined,
          out,
          limit,
        );
      else out.push(k.toString('utf8'));
    }
  }

  /** The directory's files and subdirectories in key order; undefined if it is not a directory. */
  private async entries(dir: string): Promise<Entry[] | undefined> {
    let s: Stats;
    try {
      s = await stat(dir);
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    if (!s.isDirectory()) return undefined;
    const stamp = `${s.ino}:${s.mtimeMs}`;
    const hit = this.kept.get(dir);
    this.kept.delete(dir);
    if (hit?.stamp === stamp) {
      this.kept.set(dir, hit);
      return hit.entries;
    }
    const readAt = Date.now();
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    const entries = dirents
      .filter((d) => d.isDirectory() || d.isFile())
      .map((d) => ({ name: d.name, dir: d.isDirectory(), order: Buffer.from(d.isDirectory() ? `${d.name}/` : d.name) }))
      .sort((a, b) => a.order.compare(b.order));
    if (readAt - s.mtimeMs > QUIET_MS) {
      this.kept.set(dir, { stamp, entries });
      if (this.kept.size > KEPT_DIRS) this.kept.delete(this.kept.keys().next().value!);
    }
    return entries;
  }
}
