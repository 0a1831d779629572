import { AGGREGATOR_HEAP_MB } from '@platescale/shared';
import validator from 'asl-validator';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import t from 'tap';
import { resolveConfig } from '../lib/config.js';
import { IMAGES } from '../lib/containers/images.js';
import { SUBSTITUTIONS, walkStates } from '../lib/definition.js';
import { PlatescaleStack } from '../lib/stack.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

// One synth for the whole file (it takes seconds): asset staging off, fingerprints still computed.
t.setTimeout(240_000);
const app = new App({ context: { 'aws:cdk:disable-asset-staging': true } });
const config = resolveConfig({ env: 'dev' });
const stack = new PlatescaleStack(app, 'platescale-test', {
  config,
  repoRoot: new URL('../..', import.meta.url).pathname,
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

t.test('network, storage, database, cache: encrypted, TLS-only, private', async (t) => {
  template.resourceCountIs('AWS::EC2::VPC', 1);
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  const buckets = ofType('AWS::S3::Bucket');
  t.equal(buckets.length, 2, 'data and access logs');
  for (const [, bucket] of buckets) {
    t.match(bucket.Properties.BucketEncryption, {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    t.match(bucket.Properties.PublicAccessBlockConfiguration, { BlockPublicAcls: true, RestrictPublicBuckets: true });
  }
  for (const [, policy] of ofType('AWS::S3::BucketPolicy')) {
    t.match(JSON.stringify(policy.Properties), /"aws:SecureTransport":"false"/, 'TLS-only');
  }
  template.hasResourceProperties('AWS::S3::Bucket', {
    LifecycleConfiguration: {
      Rules: Match.arrayWith([
        Match.objectLike({
          Prefix: 'jobs/',
          Status: 'Enabled',
          ExpirationInDays: config.storage.resultsExpirationDays,
        }),
        Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      ]),
    },
    LoggingConfiguration: Match.anyValue(),
  });
  template.hasResourceProperties('AWS::RDS::DBInstance', {
    Engine: 'postgres',
    StorageEncrypted: true,
    PubliclyAccessible: false,
    DBInstanceClass: 'db.t4g.micro',
  });
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
  });
  template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
    Engine: 'redis',
    TransitEncryptionEnabled: true,
    AtRestEncryptionEnabled: true,
  });
});

t.test('the API: Fargate behind an ALB, health-checked, autoscaled, configured for AWS adapters', async (t) => {
  template.hasResourceProperties('AWS::ECS::Service', {
    LaunchType: 'FARGATE',
    DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
  });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    HealthCheckPath: '/health/ready',
    Matcher: { HttpCode: '200' },
  });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    MinCapacity: config.api.minTasks,
    MaxCapacity: config.api.maxTasks,
  });
  t.equal(ofType('AWS::ApplicationAutoScaling::ScalingPolicy').length, 2, 'CPU and requests per target');
  const [[, task] = []] = ofType('AWS::ECS::TaskDefinition');
  const containers = (task?.Properties.ContainerDefinitions ?? []) as { Environment: { Name: string }[] }[];
  const names = containers[0]?.Environment.map((e) => e.Name) ?? [];
  for (const name of ['S3_BUCKET', 'STATE_MACHINE_ARN', 'EVENT_BUS_NAME', 'REDIS_URL', 'DATABASE_SECRET_ARN']) {
    t.ok(names.includes(name), name);
  }
  t.notOk(names.includes('DATABASE_URL'), 'no credentials in the task definition');
});

t.test('Lambdas: container images with the named handlers; the segmenter sized and guarded', async (t) => {
  const functions = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.PackageType === 'Image');
  const commands = functions.map(([, r]) => (r.Properties.ImageConfig as { Command: string[] }).Command[0]).sort();
  t.same(commands, [...Object.values(IMAGES.segmenter.handlers), ...Object.values(IMAGES.aggregator.handlers)].sort());
  template.hasResourceProperties('AWS::Lambda::Function', {
    PackageType: 'Image',
    ImageConfig: { Command: [IMAGES.segmenter.handlers.segment] },
    MemorySize: config.segmenter.memoryMb,
    Timeout: 90,
    ReservedConcurrentExecutions: config.segmenter.reservedConcurrency,
    TracingConfig: { Mode: 'Active' },
    VpcConfig: Match.absent(),
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    ImageConfig: { Command: [IMAGES.aggregator.handlers.aggregate] },
    Timeout: 900,
    VpcConfig: Match.anyValue(),
    Environment: {
      Variables: Match.objectLike({
        DATABASE_SECRET_ARN: Match.anyValue(),
        EVENT_BUS_NAME: Match.anyValue(),
        // The heap limit bench:scale measures the aggregator with.
        NODE_OPTIONS: Match.stringLikeRegexp(`--max-old-space-size=${AGGREGATOR_HEAP_MB}$`),
      }),
    },
  });
  template.resourceCountIs('Custom::Trigger', 1);
});

t.test(
  'the state machine: the ASL file, a DISTRIBUTED Map with the configured child type, logs and X-Ray',
  async (t) => {
    const [[, machine] = []] = ofType('AWS::StepFunctions::StateMachine');
    const props = machine?.Properties as {
      DefinitionString: string;
      DefinitionSubstitutions: Record<string, { 'Fn::GetAtt': [string, string] }>;
      StateMachineType: string;
      LoggingConfiguration: { Level: string };
      TracingConfiguration: { Enabled: boolean };
    };
    t.equal(props.StateMachineType, 'STANDARD');
    t.equal(props.LoggingConfiguration.Level, 'ALL');
    t.equal(props.TracingConfiguration.Enabled, true);
    t.same(Object.keys(props.DefinitionSubstitutions).sort(), [...SUBSTITUTIONS].sort());
    for (const value of Object.values(props.DefinitionSubstitutions)) {
      const [logicalId, attribute] = value['Fn::GetAtt'];
      t.equal(attribute, 'Arn');
      t.equal(resources[logicalId]?.Type, 'AWS::Lambda::Function');
    }
    let text = props.DefinitionString;
    for (const name of SUBSTITUTIONS) {
      text = text.replaceAll(`\${${name}}`, `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    }
    const definition = JSON.parse(text) as Record<string, unknown>;
    const result = validator(definition);
    t.ok(result.isValid, JSON.stringify(result.errors));
    const maps = [...walkStates(definition)].filter(([, s]) => s.Type === 'Map');
    t.match(maps, [
      [
        'SegmentImageSets',
        {
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: config.workflow.mapChildExecutionType },
          },
        },
      ],
    ]);
  },
);

t.test('EventBridge: bus, completion rule to the consumer and webhook dispatcher with DLQs, archive', async (t) => {
  template.resourceCountIs('AWS::Events::EventBus', 1);
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      source: ['platescale.analysis'],
      'detail-type': ['AnalysisJobSucceeded', 'AnalysisJobPartiallySucceeded', 'AnalysisJobFailed'],
    },
    Targets: Match.arrayWith([Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })]),
  });
  template.resourceCountIs('AWS::Events::Archive', 1);
  for (const [, queue] of ofType('AWS::SQS::Queue')) t.equal(queue.Properties.SqsManagedSseEnabled, true);
});

t.test('alarms and a dashboard', async (t) => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([id]) => id);
  for (const name of ['MapRunFailures', 'SegmenterErrors', 'SegmenterThrottles', 'Api5xx', 'WebhookDlqDepth']) {
    t.ok(
      alarms.some((id) => id.includes(name)),
      name,
    );
  }
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' });
});

/** Every IAM statement of the template, with its role/policy logical id. */
function statements(): { owner: string; Action: string[]; Resource: unknown[]; Effect: string }[] {
  const out: { owner: string; Action: string[]; Resource: unknown[]; Effect: string }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy') docs.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role')
      for (const p of (r.Properties.Policies ?? []) as { PolicyDocument: unknown }[]) docs.push(p.PolicyDocument);
    for (const doc of docs as { Statement: { Action: string | string[]; Resource: unknown; Effect: string }[] }[]) {
      for (const s of doc.Statement) {
        out.push({
          owner: id,
          Effect: s.Effect,
          Action: ([] as string[]).concat(s.Action),
          Resource: ([] as unknown[]).concat(s.Resource),
        });
      }
    }
  }
  return out;
}

const DATA_SERVICES = /^(s3|states|events|secretsmanager|sqs|sns|lambda|rds-data|elasticache|dynamodb):/;

t.test('IAM: no wildcard actions on data services', async (t) => {
  const all = statements();
  t.ok(all.length > 20);
  for (const s of all) {
    for (const action of s.Action) {
      t.not(action, '*', `${s.owner}: no '*' action`);
      if (DATA_SERVICES.test(action)) t.notOk(action.includes('*'), `${s.owner}: ${action}`);
    }
  }
});

t.test('IAM: the workflow starts only itself, reads results and writes only the results prefix', async (t) => {
  const machineRole = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('states.amazonaws.com'),
  )?.[0];
  t.ok(machineRole);
  const own = statements().filter((s) => s.owner.startsWith(machineRole?.replace(/Role[0-9A-F]*$/, '') ?? '-'));
  const start = own.find((s) => s.Action.includes('states:StartExecution'));
  t.match(JSON.stringify(start?.Resource), /:stateMachine:platescale-dev-analysis"/);
  const writes = own.filter((s) => s.Action.includes('s3:PutObject'));
  t.ok(writes.length > 0);
  for (const s of writes) t.match(JSON.stringify(s.Resource), /\/jobs\/\*"/);
  for (const s of own.filter((x) => x.Action.some((a) => a.startsWith('s3:')))) {
    t.match(JSON.stringify(s.Resource), /\/jobs\/\*"/, `${s.Action.join(',')} scoped to jobs/`);
  }
  const segmenterWrites = statements().filter(
    (s) => s.owner.includes('Segmenter') && s.Action.includes('s3:PutObject'),
  );
  t.ok(segmenterWrites.length > 0);
  for (const s of segmenterWrites) t.match(JSON.stringify(s.Resource), /\/jobs\/\*"/);
});
