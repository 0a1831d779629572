import { readFile } from 'node:fs/promises';

export interface Invocation {
  pid: number;
  at: number;
  jobId: string;
  items: string[];
}

/** The segmenter invocations the instrumented serving processes logged (fixtures/serve.ts). */
export async function readInvocations(file: string): Promise<Invocation[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Invocation);
}

/** How many times each item of a job was handed to the segmenter. */
export function runsPerItem(invocations: Invocation[], jobId: string): Map<string, number> {
  const runs = new Map<string, number>();
  for (const inv of invocations.filter((i) => i.jobId === jobId)) {
    for (const item of inv.items) runs.set(item, (runs.get(item) ?? 0) + 1);
  }
  return runs;
}
