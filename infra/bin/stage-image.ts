/**
 * Stages an image's transpiled code into a directory (run by the Dockerfiles' build stage):
 *   tsx infra/bin/stage-image.ts <api|segmenter|aggregator> <outDir>
 */
import { fileURLToPath } from 'node:url';
import { IMAGES, type ImageName } from '../lib/containers/images.js';
import { stageImage } from '../lib/containers/stage.js';

const [image, outDir] = process.argv.slice(2);
if (!image || !(image in IMAGES) || !outDir) {
  process.stderr.write(`usage: stage-image <${Object.keys(IMAGES).join('|')}> <outDir>\n`);
  process.exit(2);
}
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const staged = await stageImage(repoRoot, image as ImageName, outDir);
process.stdout.write(`${JSON.stringify(staged)}\n`);
