/**
 * Removes objects outside [minArea, maxArea] (and, optionally, objects touching the image border), then
 * renumbers the survivors 1..count in raster order of their first pixel, in place.
 */
export function filterObjects(
  labels: Int32Array,
  count: number,
  width: number,
  height: number,
  opts: { minArea: number; maxArea: number; clearBorder: boolean },
): number {
  const area = new Int32Array(count + 1);
  for (let i = 0; i < labels.length; i++) area[labels[i]!]!++;
  const drop = new Uint8Array(count + 1);
  for (let l = 1; l <= count; l++) drop[l] = area[l]! < opts.minArea || area[l]! > opts.maxArea ? 1 : 0;
  if (opts.clearBorder) {
    for (let x = 0; x < width; x++) {
      drop[labels[x]!] = 1;
      drop[labels[(height - 1) * width + x]!] = 1;
    }
    for (let y = 0; y < height; y++) {
      drop[labels[y * width]!] = 1;
      drop[labels[y * width + width - 1]!] = 1;
    }
  }
  const next = new Int32Array(count + 1);
  let kept = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === 0) continue;
    if (drop[l]) {
      labels[i] = 0;
      continue;
    }
    if (next[l] === 0) next[l] = ++kept;
    labels[i] = next[l]!;
  }
  return kept;
}
