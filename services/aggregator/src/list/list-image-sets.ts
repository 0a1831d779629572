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
 * Groups keys into image sets by plate/well/field as they are listed (one page at a time, never the whole
 * listing); the channel index of a name picks its name from `channels`. Keys that no convention matches, or
 * whose channel index has no name, are kept as unrecognized.
 */
export class ImageSetGrouper {
  private readonly sets = new Map<string, ImageSet>();
  readonly unrecognized: string[] = [];

  constructor(
    private readonly channels: string[],
    private readonly convention: NamingConvention | undefined,
  ) {}

  add(key: string): void {
    const parsed = parseImageName(key, this.convention);
    const channel = parsed ? this.channels[parsed.channel] : undefined;
    if (!parsed || channel === undefined) {
      this.unrecognized.push(key);
      return;
    }
    const id = `${parsed.plate}\u0000${parsed.well}\u0000${parsed.field}`;
    let set = this.sets.get(id);
    if (!set) {
      set = { plate: parsed.plate, well: parsed.well, field: parsed.field, images: {} };
      this.sets.set(id, set);
    }
    set.images[channel] = key;
  }

  listing(): ImageSetListing {
    return { imageSets: [...this.sets.values()].sort(compareSets), unrecognized: this.unrecognized };
  }
}

/** Groups `keys` into image sets (see ImageSetGrouper). */
export function groupImageSets(
  keys: string[],
  channels: string[],
  convention: NamingConvention | undefined,
): ImageSetListing {
  const grouper = new ImageSetGrouper(channels, convention);
  for (const key of keys) grouper.add(key);
  return grouper.listing();
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

/** Lists the prefix page by page (1,000 keys, as S3 pages), grouping each page as it arrives. */
async function listImageSets(objects: ObjectStore, prefix: string, grouper: ImageSetGrouper): Promise<void> {
  let continuationToken: string | undefined;
  do {
    const page = await objects.list(prefix, { maxKeys: 1000, ...(continuationToken ? { continuationToken } : {}) });
    for (const o of page.objects) grouper.add(o.key);
    continuationToken = page.nextContinuationToken;
  } while (continuationToken);
}

/** Image sets per JSON chunk of the manifest. */
const MANIFEST_CHUNK = 1000;

/**
 * The manifest's JSON array as bytes, encoded a chunk of image sets at a time: no single string of the whole
 * manifest (500,000 image sets are ~100 MB of JSON) is ever built.
 */
export function manifestBody(imageSets: readonly ImageSet[]): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; i < imageSets.length; i += MANIFEST_CHUNK) {
    const json = JSON.stringify(imageSets.slice(i, i + MANIFEST_CHUNK));
    chunks.push(Buffer.from(`${i === 0 ? '[' : ','}${json.slice(1, -1)}`));
  }
  chunks.push(Buffer.from(imageSets.length === 0 ? '[]' : ']'));
  return Buffer.concat(chunks);
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
      const grouper = new ImageSetGrouper(
        experiment.channels,
        experiment.naming === 'auto' ? undefined : experiment.naming,
      );
      await listImageSets(objects, prefix, grouper);
      listing = grouper.listing();
    }
    if (listing.imageSets.length === 0) throw new NoImageSetsError(prefix, listing.unrecognized.length);
    const withImages = new Set<string>();
    for (const set of listing.imageSets) for (const c of Object.keys(set.images)) withImages.add(c);
    const found = experiment.channels.filter((c) => withImages.has(c));
    if (!found.includes(input.segmentationChannel)) {
      throw new SegmentationChannelMissingError(input.segmentationChannel, found, prefix);
    }
    const manifestKey = `${input.resultsPrefix}manifest.json`;
    await objects.put(manifestKey, manifestBody(listing.imageSets), { contentType: 'application/json' });
    return {
      bucket: input.bucket,
      manifestKey,
      imageSets: listing.imageSets.length,
      unrecognized: listing.unrecognized,
    };
  };
}
