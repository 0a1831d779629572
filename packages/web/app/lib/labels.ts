/** Okabe–Ito colours for label classes 1..K (index 0 = unlabelled, transparent). */
export const CLASS_COLOURS: [number, number, number][] = [
  [0, 114, 178],
  [230, 159, 0],
  [0, 158, 115],
  [204, 121, 167],
  [86, 180, 233],
  [213, 94, 0],
  [240, 228, 66],
];

export const classColour = (k: number) => CLASS_COLOURS[(k - 1) % CLASS_COLOURS.length]!;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Paints a disc of `value` (0 erases) into a label image of width × height; returns the touched rectangle, or null
 * when the disc lies outside. Hard edges: a label is a class index, never a blend of two.
 */
export function stampDisc(
  labels: Uint8Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  radius: number,
  value: number,
): Rect | null {
  const x0 = Math.max(0, Math.floor(cx - radius));
  const x1 = Math.min(width - 1, Math.ceil(cx + radius));
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius));
  if (x0 > x1 || y0 > y1) return null;
  const r2 = radius * radius;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) labels[y * width + x] = value;
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Labelled pixels per class value 1..classes (index k − 1). */
export function labelCounts(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const v of labels) if (v > 0 && v <= classes) counts[v - 1]!++;
  return counts;
}

/** RGBA pixels of a label image as the trainer reads it: grey value k for class k, 0 unlabelled, opaque. */
export function labelsToGreyRgba(labels: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(labels.length * 4);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}
