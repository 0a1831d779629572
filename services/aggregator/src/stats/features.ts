import type { ImageSummary } from '@platescale/shared';

/** Feature names follow CellProfiler's (Count_<objects>, AreaShape_*, Intensity_*_<channel>). */
export const COUNT_FEATURE = 'Count_Nuclei';
export const AREA_FEATURE = 'AreaShape_Area';
export const intensityFeature = (channel: string) => `Intensity_MeanIntensity_${channel}`;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The per-image features of one segmented image set; an image without nuclei has no area or intensity. */
export function imageFeatures(image: ImageSummary): Record<string, number> {
  const out: Record<string, number> = { [COUNT_FEATURE]: image.count };
  if (image.count > 0 && finite(image.meanArea)) out[AREA_FEATURE] = image.meanArea;
  if (image.count > 0) {
    for (const [channel, value] of Object.entries(image.meanIntensity ?? {})) {
      if (finite(value)) out[intensityFeature(channel)] = value;
    }
  }
  for (const [name, value] of Object.entries(image.features ?? {})) {
    if (finite(value) && !(name in out)) out[name] = value;
  }
  return out;
}
