import sharp from 'sharp';

export interface Disc {
  x: number;
  y: number;
  r: number;
}

/** A dark field with bright discs (a sharp-edged stand-in for nuclei), 8- or 16-bit. */
export function discField(width: number, height: number, discs: readonly Disc[], bits: 8 | 16 = 16) {
  const max = bits === 8 ? 255 : 65535;
  const data = bits === 8 ? new Uint8Array(width * height) : new Uint16Array(width * height);
  data.fill(Math.round(max * 0.05));
  for (const d of discs) {
    for (let y = Math.max(0, Math.floor(d.y - d.r)); y <= Math.min(height - 1, d.y + d.r); y++) {
      for (let x = Math.max(0, Math.floor(d.x - d.r)); x <= Math.min(width - 1, d.x + d.r); x++) {
        if ((x - d.x) ** 2 + (y - d.y) ** 2 <= d.r * d.r) data[y * width + x] = Math.round(max * 0.8);
      }
    }
  }
  return data;
}

/** Encodes grey samples as PNG or TIFF (with a given compression). */
export function encode(
  data: Uint8Array | Uint16Array,
  width: number,
  height: number,
  format: 'png' | 'tiff',
  compression: 'none' | 'lzw' | 'deflate' | 'packbits' = 'none',
): Promise<Buffer> {
  const img = sharp(data, { raw: { width, height, channels: 1 } }).toColourspace(
    data instanceof Uint16Array ? 'grey16' : 'b-w',
  );
  return format === 'png' ? img.png().toBuffer() : img.tiff({ compression }).toBuffer();
}

/** A regular grid of well-separated discs: `count` of them, radius r. */
export function grid(count: number, width: number, r: number): Disc[] {
  const perRow = Math.floor(width / (3 * r));
  return Array.from({ length: count }, (_, i) => ({
    x: 1.5 * r + (i % perRow) * 3 * r,
    y: 1.5 * r + Math.floor(i / perRow) * 3 * r,
    r,
  }));
}
