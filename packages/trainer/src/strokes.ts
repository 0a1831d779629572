import { seededRandom } from './classifier/random.js';

export interface StrokeOptions {
  width: number;
  height: number;
  /** Largest fraction of the pixels to label (default 0.015: under the 2 % a scientist paints in a few strokes). */
  fraction?: number;
  /** Fraction of the objects that get a stroke (default 0.5). */
  objectFraction?: number;
  /** Also paint, as label 3, where touching objects meet (the boundary class that teaches their separation). */
  boundary?: boolean;
  seed?: number;
}

/**
 * Paints the sparse strokes a scientist would paint on a field with known objects, as a label image
 * (0 unlabelled, 1 background, 2 object, 3 boundary): one stroke across the middle of some objects (kept 1 px inside
 * their outline), with `boundary` the pixels where two objects touch (a sixth of the budget at most), and background
 * strokes — straight segments at random angles — kept ≥ 2 px away from every object.
 * Used to measure the trainer on synthetic fields and teaching on real ones (bench:accuracy); deterministic given `seed`.
 */
export function paintStrokes(objects: Uint16Array | Uint8Array | Int32Array, opts: StrokeOptions): Uint8Array {
  const { width, height } = opts;
  const random = seededRandom(opts.seed ?? 7);
  const budget = Math.floor(width * height * (opts.fraction ?? 0.015));
  const labels = new Uint8Array(width * height);
  const inside = erode(objects, width, height);
  const nearObject = dilate(objects, width, height, 2);
  let painted = 0;
  const paint = (i: number, value: number) => {
    if (labels[i] !== 0 || painted >= budget) return;
    labels[i] = value;
    painted++;
  };

  // Object strokes: the middle row of the inside of a random half of the objects.
  const spans = new Map<number, { top: number; bottom: number }>();
  for (let i = 0; i < objects.length; i++) {
    if (!inside[i]) continue;
    const y = Math.floor(i / width);
    const span = spans.get(objects[i]!);
    if (span) span.bottom = y;
    else spans.set(objects[i]!, { top: y, bottom: y });
  }
  const objectBudget = Math.floor(budget / 3);
  for (const [id, { top, bottom }] of spans) {
    if (random() >= (opts.objectFraction ?? 0.5)) continue;
    const row = Math.round((top + bottom) / 2) * width;
    for (let x = 0; x < width && painted < objectBudget; x++) {
      if (objects[row + x] === id && inside[row + x]) paint(row + x, 2);
    }
  }

  if (opts.boundary) {
    // Where two objects meet, pair by pair in random order: a scientist strokes along the line between two nuclei.
    const pairs = new Map<number, number[]>();
    for (let i = 0; i < objects.length; i++) {
      const id = objects[i]!;
      if (id === 0) continue;
      const x = i % width;
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
        const other = j >= 0 && j < objects.length ? objects[j]! : 0;
        if (other === 0 || other === id) continue;
        const key = Math.min(id, other) * 65536 + Math.max(id, other);
        const list = pairs.get(key) ?? [];
        list.push(i);
        pairs.set(key, list);
        break;
      }
    }
    const order = [...pairs.keys()];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const boundaryBudget = painted + Math.floor(budget / 6);
    for (const key of order) {
      for (const i of pairs.get(key)!) if (painted < boundaryBudget) paint(i, 3);
    }
  }

  // Background strokes until the budget is spent (bounded: a field that is all objects gets fewer).
  for (let tries = 0; painted < budget && tries < 2000; tries++) {
    const angle = random() * Math.PI;
    const length = 30 + random() * 50;
    const x0 = random() * width;
    const y0 = random() * height;
    for (let t = 0; t < length; t++) {
      const x = Math.round(x0 + t * Math.cos(angle));
      const y = Math.round(y0 + t * Math.sin(angle));
      if (x < 0 || y < 0 || x >= width || y >= height) break;
      const i = y * width + x;
      if (!nearObject[i]) paint(i, 1);
    }
  }
  return labels;
}

/** 1 where the 3×3 neighbourhood is all the same non-zero object. */
function erode(objects: ArrayLike<number>, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 1; y + 1 < height; y++) {
    for (let x = 1; x + 1 < width; x++) {
      const id = objects[y * width + x]!;
      if (id === 0) continue;
      let same = true;
      for (let dy = -1; dy <= 1 && same; dy++)
        for (let dx = -1; dx <= 1; dx++) same &&= objects[(y + dy) * width + x + dx] === id;
      if (same) out[y * width + x] = 1;
    }
  }
  return out;
}

/** 1 within `radius` pixels (chessboard distance) of any object. */
function dilate(objects: ArrayLike<number>, width: number, height: number, radius: number): Uint8Array {
  const rows = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (objects[y * width + x] === 0) continue;
      for (let dx = Math.max(0, x - radius); dx <= Math.min(width - 1, x + radius); dx++) rows[y * width + dx] = 1;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!rows[y * width + x]) continue;
      for (let dy = Math.max(0, y - radius); dy <= Math.min(height - 1, y + radius); dy++) out[dy * width + x] = 1;
    }
  }
  return out;
}
