import { ValidationError } from '@platescale/shared';
import Value from 'typebox/value';
import type { StoredFile } from './form.js';
import { DEFAULT_CHANNEL, ModelBody, type ModelSpec, type TrainingFormView } from './schemas.js';

const list = (text: string) => text.split(',').map((item) => item.trim());
/** Integer options become numbers when they read as integers; anything else is left for the schema to name. */
const integer = (text: string) => (/^-?\d+$/.test(text) ? Number(text) : text);
const decimal = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);

/** The image parts of each channel in model order, with the part name they came as. */
function imagePartsByChannel(files: Map<string, StoredFile[]>, channels: string[]) {
  const named = channels.join(', ');
  for (const field of files.keys()) {
    if (field.startsWith('image.') && !channels.includes(field.slice('image.'.length))) {
      throw new ValidationError(`part '${field}' names no channel of 'channels' (${named})`, field);
    }
  }
  if (![...files.keys()].some((field) => field.startsWith('image'))) {
    const or = channels.length === 1 ? " (or an 'image' part)" : '';
    throw new ValidationError(
      `no images: send an 'image.<channel>' part${or} per channel (${named}) and image`,
      'image',
    );
  }
  const bare = files.get('image');
  if (bare) {
    if (channels.length > 1) {
      throw new ValidationError(
        `'image' parts are for one-channel models; with channels ${named} send 'image.<channel>' parts`,
        'image',
      );
    }
    if (files.has(`image.${channels[0]}`)) {
      throw new ValidationError(`send either 'image' or 'image.${channels[0]}' parts, not both`, 'image');
    }
    return [{ field: 'image', parts: bare }];
  }
  return channels.map((channel) => {
    const field = `image.${channel}`;
    const parts = files.get(field);
    if (!parts)
      throw new ValidationError(`no '${field}' parts: every image needs a file per channel (${named})`, field);
    return { field, parts };
  });
}

/**
 * A validated form as the JSON body it stands for, its files named by the keys they were stored under; checked
 * against that body's schema, so both ways of training obey the same rules.
 */
export function trainingSpec(form: TrainingFormView, files: Map<string, StoredFile[]>): ModelSpec {
  const channels = list(form.channels ?? DEFAULT_CHANNEL);
  const labels = files.get('labels') ?? [];
  const byChannel = imagePartsByChannel(files, channels);
  for (const { field, parts } of byChannel) {
    if (parts.length !== labels.length) {
      throw new ValidationError(
        `${parts.length} '${field}' parts but ${labels.length} 'labels' parts: send one label image per image, in the same order`,
        'labels',
      );
    }
  }
  const options: Record<string, string | number> = {};
  for (const key of ['foreground', 'objects', 'normalization', 'classifier', 'base'] as const) {
    const text = form[key];
    if (text !== undefined) options[key] = text;
  }
  for (const key of ['seed', 'hidden', 'trees'] as const) {
    const text = form[key];
    if (text !== undefined) options[key] = integer(text);
  }
  if (form.objectDiameter !== undefined) options.objectDiameter = decimal(form.objectDiameter);
  const spec = {
    name: form.name,
    classes: list(form.classes),
    channels,
    ...options,
    images: labels.map((label, i) => ({
      channels: Object.fromEntries(channels.map((channel, c) => [channel, byChannel[c]!.parts[i]!.key])),
      labels: label.key,
    })),
  };
  if (Value.Check(ModelBody, spec)) return spec;
  const [error] = Value.Errors(ModelBody, spec);
  const [field, item] = (error?.instancePath ?? '').split('/').slice(1);
  const subject =
    field === undefined
      ? 'the form'
      : `form field '${field}'${item === undefined ? '' : ` (item ${Number(item) + 1})`}`;
  throw new ValidationError(`${subject} ${error?.message ?? 'is invalid'}`, field);
}
