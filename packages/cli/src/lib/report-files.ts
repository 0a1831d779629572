import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlateFormat } from '@platescale/shared';
import type { ApiClient } from './api-client.js';
import { plateHeatmapSvg, valuesByWell } from './heatmap.js';
import type { JobRun } from './run-job.js';

/**
 * `--out DIR`: report.json, the job's results as CSV at every level (as the API renders them for
 * `Accept: text/csv`) and one cell-count heatmap (SVG) per plate.
 */
export async function writeReportDir(
  dir: string,
  client: ApiClient,
  run: JobRun,
  report: unknown,
  format: PlateFormat,
  marked?: Map<string, string>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written = ['report.json'];
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const level of ['image', 'well', 'condition', 'plate']) {
    const path = `/v1/jobs/${encodeURIComponent(run.job.jobId)}/results?level=${level}`;
    await writeFile(join(dir, `${level}s.csv`), await client.requestText('GET', path, 'text/csv'));
    written.push(`${level}s.csv`);
  }
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
