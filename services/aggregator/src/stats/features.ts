import type { ImageSummary } from '@platescale/shared';

/** Feature names follow CellProfiler's (Count_<objects>, AreaShape_*, Intensity_*_<channel>). */
export const COUNT_FEATURE = 'Count_Nuclei';
export const AREA_FEATURE = 'AreaShape_Area';

/** Channels are few and every image names them: one string per channel, not one per image. */
const intensityNames = new Map<string, string>();
export function intensityFeature(channel: string): string {
  let name = intensityNames.get(channel);
  if (name === undefined) {
    name = `Intensity_MeanIntensity_${channel}`;
    intensityNames.set(channel, name);
  }
  return name;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** What per-image features are read from: an image's summary, or its row read back from the results. */
export interface FieldValues {
  count: number;
  meanArea: number | null;
  meanIntensity?: Record<string, number> | null;
  features?: Record<string, number> | null;
}

/**
 * Calls `visit` with each per-image feature of one segmented image set, in order; a name may come twice (a
 * segmenter feature named like a built-in one), and the first value is the image's. An image without nuclei
 * has no area or intensity. Streams use this without building an object per image.
 */
export function forEachImageFeature(image: FieldValues, visit: (name: string, value: number) => void): void {
  visit(COUNT_FEATURE, image.count);
  if (image.count > 0 && finite(image.meanArea)) visit(AREA_FEATURE, image.meanArea);
  if (image.count > 0) {
    const intensities = image.meanIntensity ?? {};
    for (const channel in intensities) {
      const value = intensities[channel];
      if (finite(value)) visit(intensityFeature(channel), value);
    }
  }
  const features = image.features ?? {};
  for (const name in features) {
    const value = features[name];
    if (finite(value)) visit(name, value);
  }
}

/** The per-image features of one segmented image set (see forEachImageFeature). */
export function imageFeatures(image: ImageSummary): Record<string, number> {
  const out: Record<string, number> = {};
  forEachImageFeature(image, (name, value) => {
    if (!(name in out)) out[name] = value;
  });
  return out;
}
