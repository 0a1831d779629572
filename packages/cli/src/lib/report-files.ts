import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlateFormat } from '@platescale/shared';
import { plateHeatmapSvg, valuesByWell } from './heatmap.js';
import type { JobRun } from './run-job.js';

function csv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[h])).join(','))].join('\n')}\n`;
}

/** `--out DIR`: report.json, wells.csv, images.csv and one cell-count heatmap (SVG) per plate. */
export async function writeReportDir(
  dir: string,
  run: JobRun,
  report: unknown,
  format: PlateFormat,
  marked?: Map<string, string>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written = ['report.json', 'wells.csv', 'images.csv'];
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'wells.csv'), csv(run.wells));
  await writeFile(join(dir, 'images.csv'), csv(run.images));
  for (const plate of [...new Set(run.wells.map((w) => w.plate))]) {
    const svg = plateHeatmapSvg({
      title: `${plate} — nuclei per well`,
      format,
      values: valuesByWell(
        run.wells.filter((w) => w.plate === plate),
        (w) => w.cellCount,
      ),
      ...(marked ? { marked } : {}),
    });
    const name = `heatmap-${plate.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;
    await writeFile(join(dir, name), svg);
    written.push(name);
  }
  return written;
}
