import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The one state machine definition (infra/statemachine/analysis.asl.yaml), as a parsed object. */
export const ANALYSIS_DEFINITION_PATH = fileURLToPath(
  new URL('../../../infra/statemachine/analysis.asl.yaml', import.meta.url),
);

export function loadAnalysisDefinition(): Record<string, unknown> {
  return parse(readFileSync(ANALYSIS_DEFINITION_PATH, 'utf8')) as Record<string, unknown>;
}

/** Local function names; the ARNs substituted into the definition end in these names. */
export const LOCAL_FUNCTIONS = {
  ListImageSetsFunctionArn: 'platescale-list-image-sets',
  SegmenterFunctionArn: 'platescale-segmenter',
  AggregatorFunctionArn: 'platescale-aggregator',
} as const;

export function localSubstitutions(region: string, account: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(LOCAL_FUNCTIONS).map(([k, name]) => [k, `arn:aws:lambda:${region}:${account}:function:${name}`]),
  );
}
