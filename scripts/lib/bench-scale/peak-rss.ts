import { readFileSync } from 'node:fs';

/** The process's peak resident set size (VmHWM) in MB, as Linux accounts it; the current RSS elsewhere. */
export function peakRssMb(pid: number | 'self' = 'self'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    if (Number.isFinite(kb)) return Math.round(kb / 1024);
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Math.round(process.memoryUsage.rss() / 1024 / 1024);
}
