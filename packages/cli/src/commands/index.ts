export interface CommandModule {
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
}

/** One line per command; modules load lazily so `platescale keys` does not pay for sharp or onnxruntime. */
export const commands: Record<string, CommandEntry> = {
  demo: {
    summary: 'generate a synthetic plate + the example field, run a job through the API',
    load: () => import('./demo.js'),
  },
  analyze: { summary: 'analyze a folder of images on the embedded runtime', load: () => import('./analyze.js') },
  sfn: { summary: 'run a Step Functions definition on the local engine', load: () => import('./sfn.js') },
  segment: {
    summary: 'segment image files with an ONNX model and print the counts',
    load: () => import('./segment.js'),
  },
  score: {
    summary: 'score label images (segment --masks) against expert ones: score <masks> --truth DIR [--json F]',
    load: () => import('./score.js'),
  },
  keys: {
    summary: 'API keys: keys create --tenant T --scopes a,b | keys list --tenant T [--json] | keys revoke <keyId>',
    load: () => import('./keys.js'),
  },
  plan: {
    summary: 'predict wall time and AWS cost of a job: plan --images N [--seconds-per-image S] [--batch-size B]',
    load: () => import('./plan.js'),
  },
  serve: { summary: 'serve the API and the runtime on a port', load: () => import('./serve.js') },
  train: {
    summary: 'train a pixel classifier from labelled images into an ONNX model',
    load: () => import('./train.js'),
  },
};
