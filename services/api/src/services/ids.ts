import { randomBytes } from 'node:crypto';

/**
 * `<prefix>_<time><random>`: the time part (ms, base36, fixed width) makes ids sort by creation, which is what
 * lists page over; 64 random bits keep them unguessable and unique across processes.
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}
