import { AGGREGATOR_HEAP_MB } from '@platescale/shared';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';
import { DATABASE_PRELOAD, IMAGES, LAMBDA_TASK_ROOT } from '../containers/images.js';
import { taskTimeoutSeconds } from '../definition.js';
import { policies } from '../iam.js';
import { RESULTS_PREFIX } from './storage.js';

export interface FunctionsProps {
  config: PlatescaleConfig;
  repoRoot: string;
  definition: Record<string, unknown>;
  bucket: s3.IBucket;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  databaseSecret: secretsmanager.ISecret;
  eventBusName: string;
  eventBusArn: string;
}

/**
 * The workflow's Lambdas, all container images built from this repository: the segmenter (its own image)
 * and, from the aggregator image, ListImageSets, Aggregate, the completion-event consumer, the outbox sweep and
 * the webhook dispatcher. Only functions that reach Postgres run in the VPC. Every function that opens the
 * database applies pending migrations at cold start (under an advisory lock); see the stack's trigger.
 */
export class Functions extends Construct {
  readonly segmenter: lambda.DockerImageFunction;
  readonly listImageSets: lambda.DockerImageFunction;
  readonly aggregate: lambda.DockerImageFunction;
  readonly consumeEvents: lambda.DockerImageFunction;
  readonly webhooks: lambda.DockerImageFunction;
  readonly webhookRetries: lambda.DockerImageFunction;
  readonly publishOutbox: lambda.DockerImageFunction;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { config, bucket } = props;
    const architecture =
      config.segmenter.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
    const platform = config.segmenter.architecture === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
    const image = (name: 'segmenter' | 'aggregator', handler: string) =>
      lambda.DockerImageCode.fromImageAsset(props.repoRoot, {
        file: IMAGES[name].dockerfile,
        cmd: [handler],
        platform,
      });
    const baseEnvironment = {
      PLATESCALE_MODE: 'production',
      PLATESCALE_HOME: '/tmp/platescale',
      S3_BUCKET: bucket.bucketName,
      LOG_LEVEL: 'info',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const databaseEnvironment = {
      ...baseEnvironment,
      DATABASE_SECRET_ARN: props.databaseSecret.secretArn,
      NODE_OPTIONS: `--enable-source-maps --import=${LAMBDA_TASK_ROOT}/${DATABASE_PRELOAD}`,
      // The Amazon root CAs (RDS's among them), which the Node 20+ Lambda runtimes no longer load by default.
      NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
    };
    const make = (
      name: string,
      code: lambda.DockerImageCode,
      opts: {
        memoryMb: number;
        timeoutSeconds: number;
        environment: Record<string, string>;
        inVpc: boolean;
        statements: iam.PolicyStatement[];
        reservedConcurrency?: number;
        description: string;
      },
    ) => {
      const fn = new lambda.DockerImageFunction(this, name, {
        code,
        description: opts.description,
        architecture,
        memorySize: opts.memoryMb,
        timeout: Duration.seconds(opts.timeoutSeconds),
        environment: opts.environment,
        tracing: lambda.Tracing.ACTIVE,
        logGroup: new logs.LogGroup(this, `${name}Logs`, {
          retention: config.name === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS,
        }),
        ...(opts.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: opts.reservedConcurrency }),
        ...(opts.inVpc
          ? {
              vpc: props.vpc,
              vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
              securityGroups: [props.securityGroup],
            }
          : {}),
      });
      for (const statement of opts.statements) fn.addToRolePolicy(statement);
      return fn;
    };
    const { handlers } = IMAGES.aggregator;

    this.segmenter = make('Segmenter', image('segmenter', IMAGES.segmenter.handlers.segment), {
      description: 'Segments a batch of image sets (Distributed Map child)',
      memoryMb: config.segmenter.memoryMb,
      timeoutSeconds: taskTimeoutSeconds(props.definition, 'Segment'),
      reservedConcurrency: config.segmenter.reservedConcurrency,
      environment: baseEnvironment,
      inVpc: false,
      // Images and model objects anywhere in the bucket; outputs only under the results prefix.
      statements: [policies.readObjects(bucket), policies.writeObjects(bucket, RESULTS_PREFIX)],
    });
    this.listImageSets = make('ListImageSets', image('aggregator', handlers.listImageSets), {
      description: "Lists an experiment's images into the Map's manifest",
      memoryMb: config.aggregator.memoryMb,
      timeoutSeconds: taskTimeoutSeconds(props.definition, 'ListImageSets'),
      environment: baseEnvironment,
      inVpc: false,
      statements: [
        policies.listBucket(bucket),
        policies.readObjects(bucket),
        policies.writeObjects(bucket, RESULTS_PREFIX),
      ],
    });
    this.aggregate = make('Aggregate', image('aggregator', handlers.aggregate), {
      description: 'Aggregates the Map results into Postgres and publishes the completion event',
      memoryMb: config.aggregator.memoryMb,
      timeoutSeconds: taskTimeoutSeconds(props.definition, 'Aggregate'),
      environment: {
        ...databaseEnvironment,
        NODE_OPTIONS: `${databaseEnvironment.NODE_OPTIONS} --max-old-space-size=${AGGREGATOR_HEAP_MB}`,
        EVENT_BUS_NAME: props.eventBusName,
      },
      inVpc: true,
      statements: [
        policies.readObjects(bucket, RESULTS_PREFIX),
        policies.writeObjects(bucket, RESULTS_PREFIX),
        policies.readSecret(props.databaseSecret.secretArn),
        policies.putEvents(props.eventBusArn),
      ],
    });
    this.consumeEvents = make('ConsumeEvents', image('aggregator', handlers.consumeEvents), {
      description: 'Applies completion events to the jobs table',
      memoryMb: 512,
      timeoutSeconds: 60,
      environment: databaseEnvironment,
      inVpc: true,
      statements: [policies.readSecret(props.databaseSecret.secretArn)],
    });
    const webhookOptions = {
      memoryMb: 512,
      timeoutSeconds: 120,
      environment: databaseEnvironment,
      inVpc: true,
      statements: [policies.readSecret(props.databaseSecret.secretArn)],
    };
    this.webhooks = make('WebhookDispatcher', image('aggregator', handlers.webhooks), {
      ...webhookOptions,
      description: 'Queues webhook deliveries for completion events and makes the first attempts',
    });
    this.webhookRetries = make('WebhookRetries', image('aggregator', handlers.webhookRetries), {
      ...webhookOptions,
      description: 'Sends the webhook deliveries whose retry is due',
    });
    this.publishOutbox = make('PublishOutbox', image('aggregator', handlers.publishOutbox), {
      description: 'Publishes completion events an interrupted Aggregate left in the outbox',
      memoryMb: 512,
      timeoutSeconds: 300,
      environment: { ...databaseEnvironment, EVENT_BUS_NAME: props.eventBusName },
      inVpc: true,
      statements: [policies.readSecret(props.databaseSecret.secretArn), policies.putEvents(props.eventBusArn)],
    });
  }
}
