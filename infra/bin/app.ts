/**
 * The CDK app: one PlatescaleStack per environment (both, or `-c env=dev|prod`; `-c mapChildExecutionType=
 * STANDARD` and `-c alarmEmail=...` override). Synth needs neither Docker nor AWS credentials: image assets
 * are only staged into cdk.out, and the account/region stay unresolved unless CDK_DEFAULT_* are set.
 *   npm run synth            (writes infra/cdk.out/*.template.json)
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { ENVIRONMENTS, resolveConfig } from '../lib/config.js';
import { PlatescaleStack } from '../lib/stack.js';

// Under the cdk CLI, CDK_OUTDIR is set; run directly (npm run synth), write infra/cdk.out.
const app = new App(process.env.CDK_OUTDIR ? {} : { outdir: fileURLToPath(new URL('../cdk.out', import.meta.url)) });
const selected = app.node.tryGetContext('env');
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
for (const env of selected === undefined ? Object.keys(ENVIRONMENTS) : [selected]) {
  const config = resolveConfig({
    env,
    mapChildExecutionType: app.node.tryGetContext('mapChildExecutionType'),
    alarmEmail: app.node.tryGetContext('alarmEmail'),
  });
  new PlatescaleStack(app, `platescale-${config.name}`, {
    config,
    repoRoot: fileURLToPath(new URL('../..', import.meta.url)),
    ...(account && region ? { env: { account, region } } : {}),
    description: `platescale (${config.name}): API on Fargate, Step Functions Distributed Map, container Lambdas`,
  });
}
const assembly = app.synth();
process.stderr.write(
  `synthesized ${assembly.stacks.map((s) => s.templateFile).join(', ')} into ${assembly.directory}\n`,
);
