import { writeFile } from 'node:fs/promises';
import { ValidationError } from '@platescale/shared';
import { intOption, parseCommandArgs } from '../lib/args.js';
import { formatTable } from '../lib/table.js';
import { awsEnvironment, LATEST_SEGMENTER_SECONDS_PER_IMAGE } from '../plan/environments.js';
import { type PlanPoint, recommend } from '../plan/model.js';

const USAGE = `usage: platescale plan --images N [--seconds-per-image S] [--batch-size B] [--max-concurrency C]
                      [--lambda-concurrency L] [--json F]
Predicts the wall time and AWS cost of one job from the documented quotas (docs/scale.md). S defaults to the
latest bench:segmenter figure (${LATEST_SEGMENTER_SECONDS_PER_IMAGE} s); without B or C it recommends them (the sweet spot) and prints the curve.`;

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ValidationError(`--${name} must be a positive number\n${USAGE}`, name);
  return n;
}

const row = (p: PlanPoint) => [
  p.batchSize,
  p.maxConcurrency,
  p.concurrency,
  p.children,
  p.predictedWallSeconds,
  p.estimatedAwsCostUsd,
  p.infeasible ?? '',
];

/** `platescale plan`: the model of docs/scale.md for one job on AWS. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      images: { type: 'string' },
      'seconds-per-image': { type: 'string' },
      'batch-size': { type: 'string' },
      'max-concurrency': { type: 'string' },
      'lambda-concurrency': { type: 'string' },
      json: { type: 'string' },
    },
    false,
  );
  const images = intOption(values.images, 'images', 1, 100_000_000);
  if (images === undefined) throw new ValidationError(`--images is required\n${USAGE}`, 'images');
  const secondsPerImage =
    positive(values['seconds-per-image'], 'seconds-per-image') ?? LATEST_SEGMENTER_SECONDS_PER_IMAGE;
  const batchSize = intOption(values['batch-size'], 'batch-size', 1, 100_000);
  const maxConcurrency = intOption(values['max-concurrency'], 'max-concurrency', 1, 10_000);
  const lambdaConcurrency = intOption(values['lambda-concurrency'], 'lambda-concurrency', 1, 1_000_000);
  const env = awsEnvironment(lambdaConcurrency ? { lambdaConcurrency } : {});
  const { best, curve } = recommend({ images, secondsPerImage }, env, {
    ...(batchSize ? { batchSize } : {}),
    ...(maxConcurrency ? { maxConcurrency } : {}),
  });
  const chosen = batchSize && maxConcurrency ? 'given' : 'recommended';
  process.stdout.write(
    `${images} image sets at ${secondsPerImage} s each: batch size ${best.batchSize}, max concurrency ` +
      `${best.maxConcurrency} (${chosen}; ${best.concurrency} running at once, ${best.children} children)\n` +
      `predicted wall time ${best.predictedWallSeconds} s (Map ${best.mapSeconds} s), ` +
      `estimated AWS cost $${best.estimatedAwsCostUsd}\n`,
  );
  if (best.infeasible) process.stdout.write(`warning: ${best.infeasible}\n`);
  if (curve.length > 1) {
    // The curve through the chosen point: every concurrency at its batch size, every batch size at its concurrency.
    const shown = curve.filter((p) => p.batchSize === best.batchSize || p.maxConcurrency === best.maxConcurrency);
    process.stdout.write(
      `\n${formatTable(['batch', 'maxConc', 'running', 'children', 'wall s', 'cost $', 'note'], shown.map(row))}\n`,
    );
  }
  if (values.json) {
    const report = {
      predictedWallSeconds: best.predictedWallSeconds,
      estimatedAwsCostUsd: best.estimatedAwsCostUsd,
      batchSize: best.batchSize,
      maxConcurrency: best.maxConcurrency,
      curve,
    };
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  return 0;
}
