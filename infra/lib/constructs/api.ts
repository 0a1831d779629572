import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';
import { API_APP_ROOT, DATABASE_PRELOAD, IMAGES } from '../containers/images.js';
import { policies } from '../iam.js';
import { RESULTS_PREFIX } from './storage.js';
import type { Workflow } from './workflow.js';

export interface ApiProps {
  config: PlatescaleConfig;
  repoRoot: string;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  bucket: s3.IBucket;
  databaseSecret: secretsmanager.ISecret;
  redisUrl: string;
  workflow: Workflow;
  eventBusName: string;
  eventBusArn: string;
}

const PORT = 3000;

/**
 * The job API on ECS Fargate behind a public ALB: health-checked on /health/ready, rolled back by the deployment
 * circuit breaker, scaled on CPU and on requests per target. It starts executions on the state machine and
 * reads results; the webhook dispatcher runs as a Lambda on AWS, not in these tasks.
 */
export class Api extends Construct {
  readonly service: ecsPatterns.ApplicationLoadBalancedFargateService;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.service = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Service', {
      cluster,
      cpu: config.api.cpu,
      memoryLimitMiB: config.api.memoryMiB,
      desiredCount: config.api.minTasks,
      publicLoadBalancer: true,
      securityGroups: [props.securityGroup],
      taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
      runtimePlatform: {
        cpuArchitecture:
          config.segmenter.architecture === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskImageOptions: {
        image: ecs.ContainerImage.fromAsset(props.repoRoot, {
          file: IMAGES.api.dockerfile,
          platform: config.segmenter.architecture === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        }),
        containerPort: PORT,
        environment: {
          PLATESCALE_MODE: 'production',
          HOST: '0.0.0.0',
          PORT: String(PORT),
          S3_BUCKET: props.bucket.bucketName,
          STATE_MACHINE_ARN: props.workflow.stateMachineArn,
          EVENT_BUS_NAME: props.eventBusName,
          REDIS_URL: props.redisUrl,
          DATABASE_SECRET_ARN: props.databaseSecret.secretArn,
          MAX_CONCURRENCY_CAP: String(config.segmenter.reservedConcurrency),
          NODE_OPTIONS: `--enable-source-maps --import=${API_APP_ROOT}/${DATABASE_PRELOAD}`,
        },
        logDriver: ecs.LogDrivers.awsLogs({
          streamPrefix: 'api',
          logGroup: new logs.LogGroup(this, 'Logs', {
            retention: config.name === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS,
          }),
        }),
      },
    });
    this.service.targetGroup.configureHealthCheck({
      path: '/health/ready',
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    });
    this.service.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '30');

    const scaling = this.service.service.autoScaleTaskCount({
      minCapacity: config.api.minTasks,
      maxCapacity: config.api.maxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: config.api.targetCpuPercent });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: 500,
      targetGroup: this.service.targetGroup,
    });

    const role = this.service.taskDefinition.taskRole;
    // Experiments' images are uploaded and listed through the API; results are read back, and deleted with a job.
    role.addToPrincipalPolicy(policies.listBucket(props.bucket));
    role.addToPrincipalPolicy(policies.readObjects(props.bucket));
    role.addToPrincipalPolicy(policies.writeObjects(props.bucket, ''));
    role.addToPrincipalPolicy(policies.deleteObjects(props.bucket, RESULTS_PREFIX));
    role.addToPrincipalPolicy(policies.readSecret(props.databaseSecret.secretArn));
    role.addToPrincipalPolicy(policies.putEvents(props.eventBusArn));
    props.workflow.grantOperate(role);
  }
}
