import { INTENSITY_FEATURES, SHAPE_FEATURES } from '@platescale/segmentation';
import type { ImageSummary } from '@platescale/shared';
import { createRandom, deriveSeed } from './random.js';

const OBJECTS = 'Nuclei';
const round4 = (v: number) => Number(v.toPrecision(4));

/**
 * A per-image summary shaped exactly as the segmenter returns it, with the full feature set (Count_Nuclei, then
 * Mean_/Median_Nuclei_ of every shape feature and of every intensity feature per channel, 4 significant digits),
 * drawn from a seeded stream per image set: a stand-in for the segmenter where only the data volume matters.
 */
export function syntheticImageSummary(
  set: { plate: string; well: string; field: number },
  channels: readonly string[],
  seed = 1,
): ImageSummary {
  const random = createRandom(deriveSeed(seed, 'summary', set.plate, set.well, set.field));
  const count = Math.max(0, Math.round(120 + 25 * random.normal()));
  const features: Record<string, number> = { [`Count_${OBJECTS}`]: count };
  const names = [...SHAPE_FEATURES, ...channels.flatMap((c) => INTENSITY_FEATURES.map((f) => `${f}_${c}`))];
  for (const name of names) {
    const center = 10 + 400 * random.next();
    features[`Mean_${OBJECTS}_${name}`] = round4(center * (1 + 0.05 * random.normal()));
    features[`Median_${OBJECTS}_${name}`] = round4(center * (1 + 0.05 * random.normal()));
  }
  const meanIntensity = Object.fromEntries(
    channels.map((c) => [c, features[`Mean_${OBJECTS}_Intensity_MeanIntensity_${c}`]!]),
  );
  return {
    plate: set.plate,
    well: set.well,
    field: set.field,
    ok: true,
    count,
    meanArea: features[`Mean_${OBJECTS}_AreaShape_Area`]!,
    medianArea: features[`Median_${OBJECTS}_AreaShape_Area`]!,
    meanIntensity,
    features,
    objectDiameter: 17,
    diameterSource: 'default',
    seconds: round4(0.05 + 0.01 * random.next()),
  };
}
