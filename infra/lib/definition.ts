import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MapChildExecutionType } from '@platescale/shared';
import { parse } from 'yaml';

export const DEFINITION_PATH = fileURLToPath(new URL('../statemachine/analysis.asl.yaml', import.meta.url));

/** The `${...}` placeholders the definition uses; CDK fills them with DefinitionSubstitutions. */
export const SUBSTITUTIONS = ['ListImageSetsFunctionArn', 'SegmenterFunctionArn', 'AggregatorFunctionArn'] as const;
export type SubstitutionName = (typeof SUBSTITUTIONS)[number];

type Json = Record<string, unknown>;

/** Every state of the definition, nested Map/Parallel states included, with its name. */
export function* walkStates(definition: Json): Generator<[string, Json]> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, Json>)) {
    yield [name, state];
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (processor) yield* walkStates(processor);
    for (const branch of (state.Branches ?? []) as Json[]) yield* walkStates(branch);
  }
}

export function loadDefinition(path = DEFINITION_PATH): Json {
  return parse(readFileSync(path, 'utf8')) as Json;
}

/**
 * The definition as deployed: the file, with every Distributed Map's child execution type set from the
 * environment config. Set here, in the JSON CDK uploads, so no construct default can change it.
 */
export function renderDefinition(definition: Json, childExecutionType: MapChildExecutionType): Json {
  const copy = structuredClone(definition);
  let distributed = 0;
  for (const [, state] of walkStates(copy)) {
    const config = (state.ItemProcessor as Json | undefined)?.ProcessorConfig as Json | undefined;
    if (config?.Mode === 'DISTRIBUTED') {
      config.ExecutionType = childExecutionType;
      distributed++;
    }
  }
  if (distributed === 0) throw new Error('the definition has no Distributed Map state');
  return copy;
}

/** A Task state's TimeoutSeconds: the Lambda timeouts are derived from it so the two never disagree. */
export function taskTimeoutSeconds(definition: Json, stateName: string): number {
  for (const [name, state] of walkStates(definition)) {
    if (name === stateName && typeof state.TimeoutSeconds === 'number') return state.TimeoutSeconds;
  }
  throw new Error(`state '${stateName}' has no TimeoutSeconds`);
}
