import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import t from 'tap';
import { resolveConfig } from '../../lib/config.js';
import { Workflow } from '../../lib/constructs/workflow.js';
import { loadDefinition, walkStates } from '../../lib/definition.js';

// A stack with only the workflow (no image assets): synth in well under a second.
const app = new App();
const stack = new Stack(app, 'workflow-standard');
const fn = (id: string) =>
  new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
new Workflow(stack, 'Workflow', {
  config: resolveConfig({ env: 'prod', mapChildExecutionType: 'STANDARD' }),
  definition: loadDefinition(),
  bucket: new s3.Bucket(stack, 'Bucket'),
  functions: {
    ListImageSetsFunctionArn: fn('List'),
    SegmenterFunctionArn: fn('Segment'),
    AggregatorFunctionArn: fn('Aggregate'),
  },
});
const template = Template.fromStack(stack);

t.test('STANDARD children when the config says so, in the definition CloudFormation receives', async (t) => {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  t.equal(machines.length, 1);
  const props = machines[0]?.Properties as { DefinitionString: string; LoggingConfiguration: { Level: string } };
  const definition = JSON.parse(props.DefinitionString) as Record<string, unknown>;
  const configs = [...walkStates(definition)]
    .map(([, s]) => (s.ItemProcessor as { ProcessorConfig?: unknown } | undefined)?.ProcessorConfig)
    .filter(Boolean);
  t.same(configs, [{ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }]);
  t.equal(props.LoggingConfiguration.Level, 'ERROR', 'prod logs errors only');
});
