import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  type ObjectStore,
  type PlateFormat,
  tenantImageRoot,
  ValidationError,
  wellFitsPlate,
} from '@platescale/shared';
import { diameterOption, intOption, parseCommandArgs } from '../lib/args.js';
import { importFolder, pickSegmentationChannel } from '../lib/import-folder.js';
import { LOCAL_TENANT, localClient, startPlatform } from '../lib/platform.js';
import { writeReportDir } from '../lib/report-files.js';
import { costLine, jobReport, jobSucceeded, runJob } from '../lib/run-job.js';
import { formatTable } from '../lib/table.js';

const HELP = `usage: platescale analyze <images-dir> [--channels DNA,PH3,...] [--segmentation-channel NAME]
       [--experiment ID] [--plate-format 96|384|1536] [--batch-size N] [--max-concurrency N] [--model FILE|KEY]
       [--plate-map FILE.csv|FILE.json] [--diameter PX] [--json FILE] [--out DIR]

Imports the folder (Cellomics, ImageXpress or Opera/Phenix file names), runs one job on the embedded runtime and
prints the per-well table. --channels names channels by index (d0/w1/ch1 first); default ch1, ch2, ...
The segmentation channel is the first channel that has images, unless --segmentation-channel names one.
--model: an .onnx file (e.g. from platescale train), or the object key of one in this tenant's storage.
--diameter: the typical nucleus diameter in pixels (default: estimated per image; the per-image figure is in the
image results).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    channels: { type: 'string' },
    'segmentation-channel': { type: 'string' },
    experiment: { type: 'string' },
    'plate-format': { type: 'string' },
    'batch-size': { type: 'string' },
    'max-concurrency': { type: 'string' },
    model: { type: 'string' },
    'plate-map': { type: 'string' },
    diameter: { type: 'string' },
    json: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${HELP}\n`);
    return values.help ? 0 : 2;
  }
  const dir = resolve(positionals[0]!);
  const experimentId =
    values.experiment ??
    (basename(dir)
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[-.]+/, '') ||
      'analysis');
  const batchSize = intOption(values['batch-size'], 'batch-size', 1, 100);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new ValidationError(`${positionals[0]} is not a folder`, 'images-dir');
  }

  const platform = await startPlatform({});
  try {
    const { config, objects } = platform.runtime;
    const client = await localClient(platform);
    // The images go where a lab system of the CLI's tenant would write them.
    const prefix = `${tenantImageRoot(LOCAL_TENANT)}experiments/${experimentId}/`;
    const imported = await importFolder(objects, dir, prefix);
    log(`imported ${imported.files} images from ${dir} (${imported.parsed.length} recognised)`);
    for (const name of imported.unrecognized.slice(0, 20)) log(`  not a known image naming convention: ${name}`);
    if (imported.unrecognized.length > 20) log(`  … and ${imported.unrecognized.length - 20} more`);
    if (imported.parsed.length === 0)
      throw new ValidationError('no image name matched Cellomics, ImageXpress or Opera');

    const channelCount = Math.max(...imported.parsed.map((p) => p.channel)) + 1;
    const channels = values.channels?.split(',').map((c) => c.trim()) ?? [];
    for (let i = channels.length; i < channelCount; i++) channels.push(`ch${i + 1}`);
    const plateFormat = inferPlateFormat(
      values['plate-format'],
      imported.parsed.map((p) => p.well),
    );
    const segmentationChannel = pickSegmentationChannel(values['segmentation-channel'], channels, imported.parsed);
    if (!values['segmentation-channel']) {
      log(
        `segmenting channel ${segmentationChannel}, the first with images (--segmentation-channel to choose another)`,
      );
    }
    const maxConcurrency = intOption(values['max-concurrency'], 'max-concurrency', 1, config.MAX_CONCURRENCY_CAP);

    const objectDiameter = diameterOption(values.diameter);
    const run = await runJob(
      client,
      { experimentId, plateFormat, imagePrefix: prefix, naming: 'auto', channels },
      {
        experimentId,
        segmentationChannel,
        maxConcurrency: maxConcurrency ?? config.WORKERS,
        ...(batchSize ? { batchSize } : {}),
        ...(values.model ? { modelKey: await modelKeyOf(values.model, objects) } : {}),
        ...(objectDiameter === undefined ? {} : { objectDiameter }),
      },
      values['plate-map'] ? await readPlateMap(values['plate-map']) : undefined,
    );
    const report = {
      ...jobReport(run),
      experimentId,
      channels,
      segmentationChannel,
      unrecognizedFiles: imported.unrecognized,
      wells: run.wells.map((w) => ({
        plate: w.plate,
        well: w.well,
        fields: w.fields,
        fieldsFailed: w.fieldsFailed,
        cellCount: w.cellCount,
        meanArea: w.meanArea,
      })),
    };
    const table = formatTable(
      ['plate', 'well', 'fields', 'failed', 'cells', 'cells/field', 'mean area'],
      run.wells.map((w) => [w.plate, w.well, w.fields, w.fieldsFailed, w.cellCount, w.meanCellCount, w.meanArea]),
    );
    process.stdout.write(
      `${table}\n\n${report.imagesSucceeded}/${report.imagesTotal} images segmented, ${report.imagesFailed} failed\n`,
    );
    for (const f of report.failures)
      process.stdout.write(`  failed: ${f.plate} ${f.well} field ${f.field}: ${f.error}\n`);
    process.stdout.write(`${costLine(report.cost)}\n`);
    if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    if (values.out)
      log(
        `report written to ${values.out}: ${(await writeReportDir(values.out, client, run, report, plateFormat)).join(', ')}`,
      );
    return jobSucceeded(run) ? 0 : 1;
  } finally {
    await platform.close();
  }
}

/** A model file goes into the tenant's own folder, where a job may name it; anything else is taken as a key. */
async function modelKeyOf(model: string, objects: ObjectStore): Promise<string> {
  const file = resolve(model);
  if (!(await stat(file).catch(() => undefined))?.isFile()) return model;
  const key = `${tenantImageRoot(LOCAL_TENANT)}models/${basename(file)}`;
  await objects.put(key, await readFile(file));
  return key;
}

const FORMATS: readonly PlateFormat[] = [96, 384, 1536];

function inferPlateFormat(flag: string | undefined, wells: string[]): PlateFormat {
  if (flag !== undefined) {
    const format = FORMATS.find((f) => String(f) === flag);
    if (!format) throw new ValidationError(`--plate-format must be 96, 384 or 1536 (got '${flag}')`);
    return format;
  }
  // The smallest plate that holds every well.
  return FORMATS.find((f) => wells.every((w) => wellFitsPlate(w, f))) ?? 1536;
}

/** A plate map file as the API takes it: CSV sent as text/csv, anything else as JSON. */
async function readPlateMap(file: string): Promise<{ body: unknown; contentType: string }> {
  const text = await readFile(file, 'utf8');
  if (file.toLowerCase().endsWith('.csv')) return { body: text, contentType: 'text/csv' };
  try {
    return { body: JSON.parse(text) as unknown, contentType: 'application/json' };
  } catch (err) {
    throw new ValidationError(
      `--plate-map ${file} is neither CSV (by extension) nor valid JSON: ${(err as Error).message}`,
    );
  }
}
