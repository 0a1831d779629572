import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** S3's ETag of a single-part upload: the quoted hex MD5 of the body. */
export function etagOf(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

export async function etagOfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
}
