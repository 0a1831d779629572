import { ANALYSIS_EVENT_SOURCE, ANALYSIS_EVENT_TYPES } from '@platescale/shared';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';

/**
 * The platescale bus. Completion events go to the job consumer and the webhook dispatcher via rules; schedules
 * drive webhook retries and the outbox sweep.
 */
export class EventBus extends Construct {
  readonly bus: events.EventBus;
  readonly consumerDlq: sqs.Queue;
  readonly webhookDlq: sqs.Queue;
  readonly completionRule: events.Rule;

  constructor(scope: Construct, id: string, config: PlatescaleConfig) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `platescale-${config.name}` });
    this.bus.archive('Archive', {
      description: 'Completion events, replayable after a consumer outage',
      eventPattern: { source: [ANALYSIS_EVENT_SOURCE] },
      retention: Duration.days(30),
    });
    const dlq = (name: string) =>
      new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    this.consumerDlq = dlq('ConsumerDlq');
    this.webhookDlq = dlq('WebhookDlq');
    this.completionRule = new events.Rule(this, 'JobCompleted', {
      eventBus: this.bus,
      description: 'Analysis job completion events',
      eventPattern: { source: [ANALYSIS_EVENT_SOURCE], detailType: [...ANALYSIS_EVENT_TYPES] },
    });
  }

  /** Wires the completion rule to its consumers; events that still fail after retries land in the DLQs. */
  connect(fns: {
    consumer: lambda.IFunction;
    webhooks: lambda.IFunction;
    webhookRetries: lambda.IFunction;
    outboxSweep: lambda.IFunction;
  }): void {
    const delivery = { retryAttempts: 8, maxEventAge: Duration.hours(24) };
    this.completionRule.addTarget(
      new targets.LambdaFunction(fns.consumer, { ...delivery, deadLetterQueue: this.consumerDlq }),
    );
    this.completionRule.addTarget(
      new targets.LambdaFunction(fns.webhooks, { ...delivery, deadLetterQueue: this.webhookDlq }),
    );
    // Webhook retries follow their own schedule (hours); the dispatcher sends what is due every minute.
    new events.Rule(this, 'WebhookRetries', {
      description: 'Sends webhook deliveries whose retry is due',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(fns.webhookRetries, { retryAttempts: 0 })],
    });
    new events.Rule(this, 'OutboxSweep', {
      description: 'Publishes completion events left in the outbox',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(fns.outboxSweep, { retryAttempts: 0 })],
    });
  }
}
