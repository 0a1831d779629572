import {
  type AnalysisInput,
  type ImageSet,
  type ManifestResult,
  type NamingConvention,
  type ObjectStore,
  parseImageName,
  UnsafeKeyError,
  ValidationError,
} from '@platescale/shared';
import { NoImageSetsError, SegmentationChannelMissingError } from '../errors.js';

export interface ListImageSetsDeps {
  objects: ObjectStore;
}

/** What the listing found: image sets in plate/well/field order, and keys no convention recognised. */
export interface ImageSetListing {
  imageSets: ImageSet[];
  unrecognized: string[];
}

const compareSets = (a: ImageSet, b: ImageSet) =>
  a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : a.well < b.well ? -1 : a.well > b.well ? 1 : a.field - b.field;

/**
 * Groups the keys under `prefix` into image sets by plate/well/field; the channel index of a name picks its name
 * from `channels`. Keys that no convention matches, or whose channel index has no name, are returned as
 * unrecognized.
 */
export function groupImageSets(
  keys: string[],
  channels: string[],
  convention: NamingConvention | undefined,
): ImageSetListing {
  const sets = new Map<string, ImageSet>();
  const unrecognized: string[] = [];
  for (const key of keys) {
    const parsed = parseImageName(key, convention);
    const channel = parsed ? channels[parsed.channel] : undefined;
    if (!parsed || channel === undefined) {
      unrecognized.push(key);
      continue;
    }
    const id = `${parsed.plate}\u0000${parsed.well}\u0000${parsed.field}`;
    let set = sets.get(id);
    if (!set) {
      set = { plate: parsed.plate, well: parsed.well, field: parsed.field, images: {} };
      sets.set(id, set);
    }
    set.images[channel] = key;
  }
  return { imageSets: [...sets.values()].sort(compareSets), unrecognized };
}

/** An explicit manifest: every key must lie under the experiment's prefix (and never climb out of it). */
export function validateManifest(manifest: ImageSet[], prefix: string, channels: string[]): ImageSet[] {
  manifest.forEach((set, i) => {
    for (const [channel, key] of Object.entries(set.images ?? {})) {
      const field = `experiment.manifest[${i}].images.${channel}`;
      if (!channels.includes(channel)) {
        throw new ValidationError(`${field}: channel '${channel}' is not one of experiment.channels`, field);
      }
      if (typeof key !== 'string' || !key.startsWith(prefix) || key.split('/').some((s) => s === '..' || s === '.')) {
        throw new ValidationError(`${field}: '${String(key)}' is not under the experiment prefix '${prefix}'`, field);
      }
    }
  });
  return [...manifest].sort(compareSets);
}

async function listKeys(objects: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await objects.list(prefix, { maxKeys: 1000, ...(continuationToken ? { continuationToken } : {}) });
    for (const o of page.objects) keys.push(o.key);
    continuationToken = page.nextContinuationToken;
  } while (continuationToken);
  return keys;
}

/**
 * The ListImageSets task: lists (or takes) the image sets and writes them to `${resultsPrefix}manifest.json`. A
 * listing with no image of the segmentation channel fails here, before any segmentation.
 */
export function createListImageSetsHandler(deps: ListImageSetsDeps): (input: AnalysisInput) => Promise<ManifestResult> {
  return async (input) => {
    const { experiment } = input;
    const prefix = experiment.imagePrefix;
    if (!prefix.endsWith('/') || prefix.startsWith('/') || prefix.split('/').includes('..')) {
      throw new UnsafeKeyError(prefix, 'an image prefix must be a relative key prefix ending with /');
    }
    const objects = deps.objects.withBucket(input.bucket);
    let listing: ImageSetListing;
    if (experiment.naming === 'manifest') {
      if (!experiment.manifest)
        throw new ValidationError('naming is manifest but no manifest was given', 'experiment.manifest');
      listing = { imageSets: validateManifest(experiment.manifest, prefix, experiment.channels), unrecognized: [] };
    } else {
      const keys = await listKeys(objects, prefix);
      listing = groupImageSets(keys, experiment.channels, experiment.naming === 'auto' ? undefined : experiment.naming);
    }
    if (listing.imageSets.length === 0) throw new NoImageSetsError(prefix, listing.unrecognized.length);
    const found = experiment.channels.filter((c) => listing.imageSets.some((set) => set.images[c] !== undefined));
    if (!found.includes(input.segmentationChannel)) {
      throw new SegmentationChannelMissingError(input.segmentationChannel, found, prefix);
    }
    const manifestKey = `${input.resultsPrefix}manifest.json`;
    await objects.put(manifestKey, JSON.stringify(listing.imageSets), { contentType: 'application/json' });
    return {
      bucket: input.bucket,
      manifestKey,
      imageSets: listing.imageSets.length,
      unrecognized: listing.unrecognized,
    };
  };
}
