import validator from 'asl-validator';
import t from 'tap';
import { loadDefinition, renderDefinition, SUBSTITUTIONS, taskTimeoutSeconds, walkStates } from '../lib/definition.js';

const definition = loadDefinition();

const processorOf = (d: Record<string, unknown>) => {
  for (const [, state] of walkStates(d)) {
    const config = (state.ItemProcessor as { ProcessorConfig?: Record<string, unknown> } | undefined)?.ProcessorConfig;
    if (config?.Mode === 'DISTRIBUTED') return config;
  }
  return undefined;
};

t.test('the definition file names exactly the substitutions CDK fills in', async (t) => {
  const text = JSON.stringify(definition);
  const placeholders = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
  t.same(placeholders, [...SUBSTITUTIONS].sort());
});

t.test('rendering sets the Distributed Map child type and leaves the file untouched', async (t) => {
  for (const type of ['EXPRESS', 'STANDARD'] as const) {
    t.match(processorOf(renderDefinition(definition, type)), { Mode: 'DISTRIBUTED', ExecutionType: type });
  }
  t.equal(processorOf(definition)?.ExecutionType, 'EXPRESS', 'input not mutated');
  t.throws(() => renderDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, 'EXPRESS'));
});

t.test('the rendered definition with ARNs substituted validates with asl-validator', async (t) => {
  let text = JSON.stringify(renderDefinition(definition, 'STANDARD'));
  for (const name of SUBSTITUTIONS) {
    text = text.replaceAll(`\${${name}}`, `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
  }
  const result = validator(JSON.parse(text));
  t.ok(result.isValid, JSON.stringify(result.errors));
});

t.test('Lambda timeouts come from the Task states', async (t) => {
  t.equal(taskTimeoutSeconds(definition, 'Segment'), 90);
  t.equal(taskTimeoutSeconds(definition, 'Aggregate'), 900);
  t.throws(() => taskTimeoutSeconds(definition, 'ReportFailure'));
});
