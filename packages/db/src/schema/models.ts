import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Per-class pixel accuracy on held-out labelled pixels, plus how long training took. */
export interface ModelMetrics {
  heldOutPixels: number;
  pixelAccuracy: number;
  perClass: { className: string; heldOutPixels: number; accuracy: number }[];
  trainSeconds: number;
}

/** What the classifier is and the filter bank it reads (enough to rebuild the graph from scratch). */
export interface ModelArchitecture {
  /** 'network': the base nuclei network fine-tuned on the strokes; the others: a filter bank and this classifier. */
  classifier: 'mlp' | 'logistic' | 'forest' | 'network';
  /** Hidden units of the MLP; 0 for logistic regression and for a forest. */
  hidden: number;
  /** A forest's tree count, depth bound and fewest pixels per leaf (absent for the MLP). */
  trees?: number;
  maxDepth?: number;
  minLeaf?: number;
  features: number;
  sigmas: number[];
  /** Input scaling inside the graph: 'none' (absolute brightness; also when absent) or 'percentile' (per image). */
  normalization?: 'none' | 'percentile';
  seed: number;
  /** 'network': the first 16 hex digits of the SHA-256 of the model it was fine-tuned from. */
  base?: string;
  /** 'network': the nucleus diameter (px) the strokes were taught at, when given rather than estimated. */
  objectDiameter?: number;
}

/**
 * The model registry. A row is immutable: retraining makes a new version of the same name. The ONNX file sits in
 * the object store under a key derived from its SHA-256 (`objectKey`), so a key always names the same bytes.
 */
export const models = pgTable(
  'models',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().default('default'),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    sha256: text('sha256').notNull(),
    objectKey: text('object_key').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** Class names in output order (probability channel k = classes[k]). */
    classes: jsonb('classes').$type<string[]>().notNull(),
    /** Input channel names in input order ([1, C, H, W]). */
    channels: jsonb('channels').$type<string[]>().notNull(),
    foregroundClass: text('foreground_class').notNull(),
    architecture: jsonb('architecture').$type<ModelArchitecture>().notNull(),
    /** Object keys (or file names) of the training images, one entry per training image (channels joined by ','). */
    trainingImages: jsonb('training_images').$type<string[]>().notNull(),
    /** class name → labelled pixel count. */
    labelCounts: jsonb('label_counts').$type<Record<string, number>>().notNull(),
    metrics: jsonb('metrics').$type<ModelMetrics>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('models_tenant_name_version_idx').on(t.tenantId, t.name, t.version),
    index('models_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);
