import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import { HttpCodeElb, HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';

export interface MonitoringProps {
  config: PlatescaleConfig;
  stateMachine: sfn.IStateMachine;
  functions: Record<string, lambda.IFunction>;
  api: ecsPatterns.ApplicationLoadBalancedFargateService;
  queues: { webhookDlq: sqs.IQueue; consumerDlq: sqs.IQueue };
}

/**
 * Alarms (to an SNS topic; email when configured) and one dashboard. A Map Run that exceeds its tolerated
 * failures fails the Map, whose Catch fails the execution: ExecutionsFailed is the Map Run failure signal.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: `platescale ${props.config.name} alarms`,
      enforceSSL: true,
    });
    if (props.config.alarms.email)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.config.alarms.email));
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string, threshold = 1) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };

    const executionsFailed = props.stateMachine.metricFailed(fiveMinutes);
    const executionsTimedOut = props.stateMachine.metricTimedOut(fiveMinutes);
    alarm('MapRunFailures', executionsFailed, 'Analysis executions failed (a Map Run over its tolerated failures)');
    alarm('ExecutionsTimedOut', executionsTimedOut, 'Analysis executions timed out');
    const segmentFailures = new cloudwatch.Metric({
      namespace: 'platescale',
      metricName: 'ImagesFailed',
      dimensionsMap: { service: 'segmenter' },
      ...fiveMinutes,
    });
    alarm('SegmenterImagesFailed', segmentFailures, 'Image sets the segmenter could not process', 10);

    const lambdaWidgets: cloudwatch.IWidget[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors(fiveMinutes), `${name} Lambda errors`);
      alarm(`${name}Throttles`, fn.metricThrottles(fiveMinutes), `${name} Lambda throttles`, 10);
      lambdaWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${name}: invocations, errors, throttles`,
          left: [fn.metricInvocations(fiveMinutes), fn.metricErrors(fiveMinutes), fn.metricThrottles(fiveMinutes)],
          right: [fn.metricDuration({ period: Duration.minutes(5), statistic: 'p95' })],
          width: 8,
        }),
      );
    }

    const alb = props.api.loadBalancer.metrics;
    const api5xx = new cloudwatch.MathExpression({
      expression: 'target + elb',
      usingMetrics: {
        target: alb.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, fiveMinutes),
        elb: alb.httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, fiveMinutes),
      },
      label: 'API 5xx',
      period: Duration.minutes(5),
    });
    alarm('Api5xx', api5xx, 'API answered 5xx', 5);
    const webhookDlqDepth = props.queues.webhookDlq.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    });
    const consumerDlqDepth = props.queues.consumerDlq.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    });
    alarm('WebhookDlqDepth', webhookDlqDepth, 'Webhook dispatcher events in the dead-letter queue');
    alarm('ConsumerDlqDepth', consumerDlqDepth, 'Completion events the job consumer could not apply');

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `platescale-${props.config.name}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
      new cloudwatch.GraphWidget({
        title: 'Analysis executions',
        left: [
          props.stateMachine.metricStarted(fiveMinutes),
          props.stateMachine.metricSucceeded(fiveMinutes),
          executionsFailed,
          executionsTimedOut,
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Segmenter image failures', left: [segmentFailures], width: 12 }),
      ...lambdaWidgets,
      new cloudwatch.GraphWidget({
        title: 'API',
        left: [api5xx],
        right: [alb.targetResponseTime({ period: Duration.minutes(5), statistic: 'p95' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-letter queues', left: [webhookDlqDepth, consumerDlqDepth], width: 12 }),
    );
  }
}
