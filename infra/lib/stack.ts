import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import type { PlatescaleConfig } from './config.js';
import { Api } from './constructs/api.js';
import { Cache } from './constructs/cache.js';
import { Database } from './constructs/database.js';
import { EventBus } from './constructs/events.js';
import { Functions } from './constructs/functions.js';
import { Monitoring } from './constructs/monitoring.js';
import { Network } from './constructs/network.js';
import { Storage } from './constructs/storage.js';
import { Workflow } from './constructs/workflow.js';
import { loadDefinition } from './definition.js';

export interface PlatescaleStackProps extends StackProps {
  config: PlatescaleConfig;
  /** The repository root: the build context of every container image. */
  repoRoot: string;
  /** The state machine definition (default: infra/statemachine/analysis.asl.yaml). */
  definition?: Record<string, unknown>;
}

/** Everything platescale needs on AWS for one environment. */
export class PlatescaleStack extends Stack {
  readonly network: Network;
  readonly storage: Storage;
  readonly database: Database;
  readonly cache: Cache;
  readonly events: EventBus;
  readonly functions: Functions;
  readonly workflow: Workflow;
  readonly api: Api;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: PlatescaleStackProps) {
    super(scope, id, props);
    const { config, repoRoot } = props;
    const definition = props.definition ?? loadDefinition();
    Tags.of(this).add('project', 'platescale');
    Tags.of(this).add('environment', config.name);

    this.network = new Network(this, 'Network', config);
    const { vpc } = this.network;
    this.storage = new Storage(this, 'Storage', config);
    this.database = new Database(this, 'Database', {
      config,
      vpc,
      securityGroup: this.network.databaseSecurityGroup,
    });
    this.cache = new Cache(this, 'Cache', { config, vpc, securityGroup: this.network.cacheSecurityGroup });
    this.events = new EventBus(this, 'Events', config);
    this.functions = new Functions(this, 'Functions', {
      config,
      repoRoot,
      definition,
      bucket: this.storage.bucket,
      vpc,
      securityGroup: this.network.functionSecurityGroup,
      databaseSecret: this.database.secret,
      eventBusName: this.events.bus.eventBusName,
      eventBusArn: this.events.bus.eventBusArn,
    });
    this.events.connect({
      consumer: this.functions.consumeEvents,
      webhooks: this.functions.webhooks,
      webhookRetries: this.functions.webhookRetries,
      outboxSweep: this.functions.publishOutbox,
    });

    // Migrations, once per deploy that changes the image: after the database exists and before the API rolls, the
    // trigger invokes the outbox sweep, whose cold start opens the database and so applies pending migrations.
    const migrate = new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: this.functions.publishOutbox,
      executeAfter: [this.database.instance],
      executeOnHandlerChange: true,
      timeout: Duration.minutes(5),
    });

    this.workflow = new Workflow(this, 'Workflow', {
      config,
      definition,
      bucket: this.storage.bucket,
      functions: {
        ListImageSetsFunctionArn: this.functions.listImageSets,
        SegmenterFunctionArn: this.functions.segmenter,
        AggregatorFunctionArn: this.functions.aggregate,
      },
    });
    this.api = new Api(this, 'Api', {
      config,
      repoRoot,
      vpc,
      securityGroup: this.network.apiSecurityGroup,
      bucket: this.storage.bucket,
      databaseSecret: this.database.secret,
      redisUrl: this.cache.url,
      workflow: this.workflow,
      eventBusName: this.events.bus.eventBusName,
      eventBusArn: this.events.bus.eventBusArn,
    });
    this.api.service.service.node.addDependency(migrate);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      stateMachine: this.workflow.stateMachine,
      functions: {
        Segmenter: this.functions.segmenter,
        ListImageSets: this.functions.listImageSets,
        Aggregate: this.functions.aggregate,
        ConsumeEvents: this.functions.consumeEvents,
        WebhookDispatcher: this.functions.webhooks,
        WebhookRetries: this.functions.webhookRetries,
        PublishOutbox: this.functions.publishOutbox,
      },
      api: this.api.service,
      queues: { webhookDlq: this.events.webhookDlq, consumerDlq: this.events.consumerDlq },
    });

    new CfnOutput(this, 'ApiUrl', { value: `http://${this.api.service.loadBalancer.loadBalancerDnsName}` });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachineArn });
    new CfnOutput(this, 'DataBucket', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
  }
}
