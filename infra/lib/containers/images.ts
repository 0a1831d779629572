/**
 * The three container images and what runs in each. The Dockerfiles, the CDK stack, docker-compose.yml and the
 * tests all read these names, so a renamed handler breaks a test instead of a deploy.
 * Paths are relative to the image's app root, which mirrors the repository layout (see stage.ts).
 */

/** The app root of the AWS Lambda base images (`${LAMBDA_TASK_ROOT}`). */
export const LAMBDA_TASK_ROOT = '/var/task';
/** The app root of the API image. */
export const API_APP_ROOT = '/app';
/** Node preload (relative to an app root) that resolves DATABASE_URL from DATABASE_SECRET_ARN; see packages/adapters. */
export const DATABASE_PRELOAD = 'packages/adapters/src/secrets/preload.js';

export const IMAGES = {
  api: {
    dockerfile: 'services/api/Dockerfile',
    /** The Dockerfile's build argument naming its base image (the only argument a build needs to change). */
    baseImageArg: 'NODE_IMAGE',
    /** Workspace packages whose production closure the image holds: the CLI's `serve` runs API + runtime. */
    rootPackages: ['@platescale/cli'],
    appRoot: API_APP_ROOT,
    command: ['node', 'packages/cli/src/main.js', 'serve'],
    handlers: {},
    omitAssets: [],
  },
  segmenter: {
    dockerfile: 'services/segmenter/Dockerfile',
    baseImageArg: 'LAMBDA_NODE_IMAGE',
    rootPackages: ['@platescale/segmenter'],
    appRoot: LAMBDA_TASK_ROOT,
    command: [],
    handlers: { segment: 'services/segmenter/src/lambda.handler' },
    omitAssets: [],
  },
  /**
   * Every Lambda but the segmenter: one image, one handler per function (ImageConfig.Command). The API package
   * is in it for the webhook dispatcher, which runs as a Lambda on AWS.
   */
  aggregator: {
    dockerfile: 'services/aggregator/Dockerfile',
    baseImageArg: 'LAMBDA_NODE_IMAGE',
    rootPackages: ['@platescale/aggregator', '@platescale/api'],
    appRoot: LAMBDA_TASK_ROOT,
    command: [],
    handlers: {
      listImageSets: 'services/aggregator/src/lambda/list-image-sets.handler',
      aggregate: 'services/aggregator/src/lambda/aggregate.handler',
      consumeEvents: 'services/aggregator/src/lambda/job-events.handler',
      publishOutbox: 'services/aggregator/src/lambda/publish-outbox.handler',
      webhooks: 'services/api/src/webhooks/lambda.handler',
      webhookRetries: 'services/api/src/webhooks/lambda.retryHandler',
    },
    /** The built web UI: @platescale/api brings packages/web into the closure, but no Lambda serves the UI. */
    omitAssets: ['packages/web/dist'],
  },
} as const;

export type ImageName = keyof typeof IMAGES;

/** `dir/module.export` → the module file the Lambda runtime loads (ESM `.js`, the package is type: module). */
export function handlerModule(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  return { file: `${handler.slice(0, dot)}.js`, exportName: handler.slice(dot + 1) };
}
