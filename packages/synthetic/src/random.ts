/**
 * Seeded pseudo-random numbers. Every synthetic image derives its own stream from (seed, labels), so a field
 * renders identically whatever order or process renders it.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  uniform(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** FNV-1a over the labels, mixed into the seed: independent streams per plate/well/field/purpose. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const label of labels) {
    const s = `${label}\u0000`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h;
}

/** mulberry32: tiny, fast, and good enough for image noise and layout jitter. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = () => uint32() / 4294967296;
  return {
    next,
    uint32,
    uniform: (min, max) => min + (max - min) * next(),
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

const NORMAL_TABLE_BITS = 12;
/** Standard-normal samples drawn once: per-pixel noise indexes this instead of paying for Box–Muller per pixel. */
export const NORMAL_TABLE: Float32Array = (() => {
  const random = createRandom(0x5eed);
  const table = new Float32Array(1 << NORMAL_TABLE_BITS);
  for (let i = 0; i < table.length; i++) table[i] = random.normal();
  return table;
})();
export const NORMAL_TABLE_MASK = (1 << NORMAL_TABLE_BITS) - 1;
