import {
  DEFAULT_SEGMENTER_OPTIONS,
  decodeImage,
  type GreyImage,
  ImageDecodeError,
  toUnitFloat,
} from '@platescale/segmentation';
import { NotAnImageError, TrainingInputError } from './errors.js';
import type { Planes } from './features/extract.js';
import type { LabelledImage } from './train.js';

/** A file as sent: its name (for error messages) and bytes. */
export interface ImageFile {
  name: string;
  bytes: Buffer;
}

/** The segmenter's decoder, so that training, preview and jobs see the very same samples. */
async function decode(file: ImageFile): Promise<GreyImage> {
  try {
    return await decodeImage(file.name, file.bytes, { maxPixels: DEFAULT_SEGMENTER_OPTIONS.maxPixels });
  } catch (err) {
    if (err instanceof ImageDecodeError) throw new NotAnImageError(file.name, err);
    throw err;
  }
}

/** One image set (a file per channel, in the model's channel order) as planes scaled to [0, 1]. */
export async function loadPlanes(files: ImageFile[]): Promise<Planes> {
  const images = await Promise.all(files.map(decode));
  const { width, height } = images[0]!;
  const data = new Float32Array(images.length * width * height);
  images.forEach((image, c) => {
    if (image.width !== width || image.height !== height) {
      throw new TrainingInputError(
        `channel images of one image differ in size: '${files[0]!.name}' is ${width}×${height}, '${files[c]!.name}' is ${image.width}×${image.height}`,
        'images',
      );
    }
    data.set(toUnitFloat(image), c * width * height);
  });
  return { width, height, channels: images.length, data };
}

/** A label image: grey values 0 (unlabelled) and 1..K (classes[k − 1]), e.g. an 8-bit PNG. */
export async function loadLabels(file: ImageFile): Promise<{ width: number; height: number; labels: Uint8Array }> {
  const image = await decode(file);
  const labels = new Uint8Array(image.data.length);
  for (let i = 0; i < labels.length; i++) {
    const v = image.data[i]!;
    if (v > 255)
      throw new TrainingInputError(`label image '${file.name}' holds value ${v}; labels are 0..255`, 'labels');
    labels[i] = v;
  }
  return { width: image.width, height: image.height, labels };
}

export async function loadLabelledImage(channels: ImageFile[], labels: ImageFile): Promise<LabelledImage> {
  const [planes, label] = await Promise.all([loadPlanes(channels), loadLabels(labels)]);
  return {
    name: channels.map((c) => c.name).join('+'),
    planes,
    labels: label.labels,
    labelsWidth: label.width,
    labelsHeight: label.height,
  };
}
