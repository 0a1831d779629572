import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readModelMetadata } from '@platescale/onnx';
import { DEFAULT_MODEL_PATH, MODEL_METADATA } from '@platescale/segmentation';
import t from 'tap';
import { decodeNetwork } from '../../src/cnn/export.js';
import { NUCLEI_RECIPE, TRAINING_METADATA } from '../../src/cnn/nuclei.js';

const SPLIT = fileURLToPath(new URL('../../../../data/dsb2018/split.csv', import.meta.url));

t.test(
  'the shipped default model is the nuclei network of NUCLEI_RECIPE, trained on the split in the repo',
  async (t) => {
    const bytes = await readFile(DEFAULT_MODEL_PATH);
    const meta = readModelMetadata(bytes);
    const training = JSON.parse(meta[TRAINING_METADATA] ?? 'null') as {
      recipe: unknown;
      data: string;
      split: string;
      images: number;
      splitSha256: string;
    } | null;
    t.ok(training, `the model records how it was trained (${TRAINING_METADATA})`);
    t.same(training!.recipe, NUCLEI_RECIPE, 'by the recipe build:base-model runs');
    t.equal(training!.split, 'train', 'on the training split only');
    t.equal(
      training!.splitSha256,
      createHash('sha256')
        .update(await readFile(SPLIT))
        .digest('hex'),
      'of the split file committed beside the data (the validation images were never seen)',
    );
    t.equal(meta[MODEL_METADATA.output], 'classes');
    t.equal(Number(meta[MODEL_METADATA.diameter]), NUCLEI_RECIPE.diameter, 'works at the recipe’s nucleus diameter');
    const network = decodeNetwork(bytes);
    t.ok(network, 'decodes as a network, so it can be fine-tuned');
    t.same(network!.spec, NUCLEI_RECIPE.spec);
  },
);
