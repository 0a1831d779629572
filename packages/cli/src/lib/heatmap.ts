import { PLATE_DIMENSIONS, type PlateFormat, parseWell, wellId } from '@platescale/shared';

// Viridis stops: perceptually uniform and readable with the common colour-vision deficiencies.
const VIRIDIS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725',
];

function colour(t: number): string {
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!].map((h) =>
    [1, 3, 5].map((o) => Number.parseInt(h.slice(o, o + 2), 16)),
  );
  return `rgb(${a!.map((v, k) => Math.round(v + (b![k]! - v) * f)).join(',')})`;
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Cell size per format: a plate stays within ~900 px wide. */
const CELL_PX: Record<PlateFormat, number> = { 96: 36, 384: 18, 1536: 12 };

/**
 * One plate as an SVG heatmap: a cell per well coloured by `value`, a legend with the range, empty wells hatched
 * grey. Control wells (marked) get an outline so a reader can check them against the samples at a glance.
 */
export function plateHeatmapSvg(opts: {
  title: string;
  format: PlateFormat;
  values: Map<string, number>;
  marked?: Map<string, string>;
}): string {
  const { rows, columns } = PLATE_DIMENSIONS[opts.format];
  const cell = CELL_PX[opts.format];
  const left = 28;
  const top = 44;
  const finite = [...opts.values.values()].filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const width = left + columns * cell + 90;
  const height = top + rows * cell + 16;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(opts.title)}">`,
    `<title>${escapeXml(opts.title)}</title>`,
    `<text x="${left}" y="16" font-size="14">${escapeXml(opts.title)}</text>`,
  ];
  for (let c = 0; c < columns; c++) {
    parts.push(`<text x="${left + c * cell + cell / 2}" y="${top - 6}" text-anchor="middle">${c + 1}</text>`);
  }
  for (let r = 0; r < rows; r++) {
    const id = wellId(r, 0);
    parts.push(
      `<text x="${left - 8}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end">${id.slice(0, -2)}</text>`,
    );
    for (let c = 0; c < columns; c++) {
      const well = wellId(r, c);
      const v = opts.values.get(well);
      const fill = v === undefined || !Number.isFinite(v) ? '#d9d9d9' : colour(hi > lo ? (v - lo) / (hi - lo) : 0.5);
      const mark = opts.marked?.get(well);
      const stroke = mark ? ' stroke="#000" stroke-width="2"' : ' stroke="#fff"';
      const label = `${well}${mark ? ` (${mark})` : ''}: ${v === undefined ? 'no data' : v.toFixed(1)}`;
      parts.push(
        `<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell - 2}" height="${cell - 2}" fill="${fill}"${stroke}><title>${escapeXml(label)}</title></rect>`,
      );
    }
  }
  const lx = left + columns * cell + 20;
  const lh = rows * cell - 2;
  parts.push('<defs><linearGradient id="legend" x1="0" y1="1" x2="0" y2="0">');
  for (const [i, c] of VIRIDIS.entries()) parts.push(`<stop offset="${i / (VIRIDIS.length - 1)}" stop-color="${c}"/>`);
  parts.push('</linearGradient></defs>');
  parts.push(`<rect x="${lx}" y="${top}" width="14" height="${lh}" fill="url(#legend)"/>`);
  parts.push(`<text x="${lx + 18}" y="${top + 10}">${hi.toFixed(0)}</text>`);
  parts.push(`<text x="${lx + 18}" y="${top + lh}">${lo.toFixed(0)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Wells of `rows` as a map well → value (well ids normalised). */
export function valuesByWell<T extends { well: string }>(
  rows: T[],
  value: (r: T) => number | null,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const v = value(r);
    if (v !== null) out.set(parseWell(r.well).well, v);
  }
  return out;
}
