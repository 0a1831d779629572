/**
 * Writes services/segmenter/models/nuclei-default.onnx, the model the segmenter uses when a job names none.
 * Deterministic: the same bytes on every run (a test checks the committed file is up to date).
 *   tsx scripts/build-default-model.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDefaultModel, DEFAULT_MODEL_PATH } from '../services/segmenter/src/index.js';

const bytes = buildDefaultModel();
writeFileSync(DEFAULT_MODEL_PATH, bytes);
process.stdout.write(`${fileURLToPath(DEFAULT_MODEL_PATH)}: ${bytes.length} bytes\n`);
