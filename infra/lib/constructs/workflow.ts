import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';
import { renderDefinition, type SubstitutionName } from '../definition.js';
import { policies } from '../iam.js';
import { RESULTS_PREFIX } from './storage.js';

export interface WorkflowProps {
  config: PlatescaleConfig;
  definition: Record<string, unknown>;
  bucket: s3.IBucket;
  functions: Record<SubstitutionName, lambda.IFunction>;
}

/**
 * The analysis state machine, from infra/statemachine/analysis.asl.yaml unchanged except for the Map's child
 * execution type (from config); the Lambda ARNs go in as DefinitionSubstitutions. STANDARD at the top level:
 * a Distributed Map over thousands of images outlives Express's 5 minutes.
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineName: string;
  /** Built from the name, not the resource, so the role can name the machine without a dependency cycle. */
  readonly stateMachineArn: string;
  readonly executionArnPattern: string;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.stateMachineName = `platescale-${props.config.name}-analysis`;
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.stateMachineArn = arn('stateMachine', this.stateMachineName);
    this.executionArnPattern = arn('execution', `${this.stateMachineName}:*`);
    const expressExecutions = arn('express', `${this.stateMachineName}:*`);
    const mapRuns = arn('mapRun', `${this.stateMachineName}/*`);

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'platescale analysis state machine',
    });
    const functionArns = Object.values(props.functions).flatMap((fn) => [fn.functionArn, `${fn.functionArn}:*`]);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functionArns }));
    // ItemReader reads the manifest; ResultWriter writes only under the results prefix.
    role.addToPolicy(policies.readObjects(props.bucket, RESULTS_PREFIX));
    role.addToPolicy(policies.writeObjects(props.bucket, RESULTS_PREFIX));
    // The Distributed Map starts its child executions on this same state machine.
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [this.executionArnPattern, expressExecutions],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeMapRun', 'states:UpdateMapRun'], resources: [mapRuns] }),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: props.config.name === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const rendered = renderDefinition(props.definition, props.config.workflow.mapChildExecutionType);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(rendered)),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(props.functions).map(([name, fn]) => [name, fn.functionArn]),
      ),
      role,
      tracingEnabled: props.config.workflow.tracing,
      logs: {
        destination: logGroup,
        level: props.config.workflow.logLevel === 'ALL' ? sfn.LogLevel.ALL : sfn.LogLevel.ERROR,
        includeExecutionData: true,
      },
    });
  }

  /** What the API needs to run and observe jobs: start, describe, stop, redrive, history and Map Runs. */
  grantOperate(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const mapRuns = stack.formatArn({
      service: 'states',
      resource: 'mapRun',
      resourceName: `${this.stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution', 'states:ListExecutions', 'states:ListMapRuns'],
      resourceArns: [this.stateMachineArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'states:DescribeExecution',
        'states:StopExecution',
        'states:RedriveExecution',
        'states:GetExecutionHistory',
        'states:ListMapRuns',
      ],
      resourceArns: [this.executionArnPattern],
    });
    iam.Grant.addToPrincipal({ grantee, actions: ['states:DescribeMapRun'], resourceArns: [mapRuns] });
  }
}
