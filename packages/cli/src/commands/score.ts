import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  DEFAULT_SEGMENTER_OPTIONS,
  decodeImage,
  type ObjectScores,
  type SetScores,
  scoreObjects,
  summarizeScores,
} from '@platescale/segmentation';
import { ValidationError } from '@platescale/shared';
import { parseCommandArgs } from '../lib/args.js';
import { collectImageFiles } from '../lib/image-files.js';
import { formatTable } from '../lib/table.js';

const HELP = `usage: platescale score <label images or dirs> --truth DIR [--json FILE]

Scores label images (0 = background, objects 1..N: grey 8- or 16-bit PNG or TIFF, as \`segment --masks\` writes
them) against the expert label images of the same file stem in --truth, as bench:accuracy scores its validation
split: per image and pooled over all of them, f1At05 (F1 at IoU 0.5), ap50, dsbScore (AP averaged over IoU
0.5 … 0.95), countErrorPct, splits and merges. Every truth image needs a prediction: those without one are listed
under "missing" and fail the run (exit 1), as does an image that cannot be scored.
  --truth  directory of the expert label images (searched recursively, matched by file stem)
  --json   writes { images: [{ file, truth, truthObjects, predictedObjects, f1At05, ap50, dsbScore,
           countErrorPct, splits, merges } or { file, error }], missing: [truth files], summary }`;

interface ScoredImage extends Omit<SetScores, 'images' | 'nuclei'> {
  file: string;
  truth: string;
  truthObjects: number;
  predictedObjects: number;
}

const stem = (file: string) => basename(file, extname(file));
/** The first few of a list, for the terminal (the JSON has them all). */
const listed = (files: string[], shown = 5) =>
  files.length > shown ? `${files.slice(0, shown).join(', ')} … (--json lists all)` : files.join(', ');

async function readLabels(file: string) {
  return decodeImage(file, await readFile(file), DEFAULT_SEGMENTER_OPTIONS);
}

async function scoreImage(file: string, truthFile: string): Promise<{ scored: ScoredImage; scores: ObjectScores }> {
  const [predicted, truth] = await Promise.all([readLabels(file), readLabels(truthFile)]);
  if (predicted.width !== truth.width || predicted.height !== truth.height) {
    throw new ValidationError(
      `${file} is ${predicted.width}×${predicted.height}, its truth ${truthFile} is ${truth.width}×${truth.height}`,
      'files',
    );
  }
  const scores = scoreObjects(truth.data, predicted.data);
  const { images: _, nuclei: __, ...figures } = summarizeScores([scores]);
  return {
    scores,
    scored: { file, truth: truthFile, truthObjects: scores.truth, predictedObjects: scores.predicted, ...figures },
  };
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    truth: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help || positionals.length === 0 || !values.truth) {
    process.stderr.write(`${HELP}\n`);
    return values.help ? 0 : 2;
  }
  const truthFiles = new Map<string, string>();
  for (const f of await collectImageFiles([values.truth])) {
    const seen = truthFiles.get(stem(f));
    if (seen) throw new ValidationError(`two truth images share the stem '${stem(f)}': ${seen}, ${f}`, 'truth');
    truthFiles.set(stem(f), f);
  }
  if (truthFiles.size === 0) throw new ValidationError(`no TIFF or PNG label images in ${values.truth}`, 'truth');
  const files = await collectImageFiles(positionals);
  if (files.length === 0) throw new ValidationError('no TIFF or PNG label images found', 'files');

  const images: (ScoredImage | { file: string; error: string })[] = [];
  const scores: ObjectScores[] = [];
  const predictedStems = new Set<string>();
  for (const file of files) {
    predictedStems.add(stem(file));
    const truthFile = truthFiles.get(stem(file));
    try {
      if (!truthFile) throw new Error(`no truth label image named '${stem(file)}' in ${values.truth}`);
      const image = await scoreImage(file, truthFile);
      images.push(image.scored);
      scores.push(image.scores);
    } catch (err) {
      images.push({ file, error: (err as Error).message });
    }
  }
  const missing = [...truthFiles].filter(([s]) => !predictedStems.has(s)).map(([, f]) => f);
  const summary = summarizeScores(scores);
  process.stdout.write(
    `${formatTable(
      ['file', 'truth', 'found', 'f1At05', 'dsbScore', 'error'],
      images.map((i) =>
        'error' in i
          ? [i.file, undefined, undefined, undefined, undefined, i.error]
          : [i.file, i.truthObjects, i.predictedObjects, i.f1At05, i.dsbScore, undefined],
      ),
    )}\n${scores.length} images scored (${summary.nuclei} true objects): f1At05 ${summary.f1At05}, ap50 ${
      summary.ap50
    }, dsbScore ${summary.dsbScore}, countErrorPct ${summary.countErrorPct}, splits ${summary.splits}, merges ${
      summary.merges
    }\n${missing.length ? `${missing.length} truth images have no prediction: ${listed(missing)}\n` : ''}`,
  );
  if (values.json) await writeFile(values.json, `${JSON.stringify({ images, missing, summary }, null, 2)}\n`);
  return scores.length === images.length && missing.length === 0 ? 0 : 1;
}
