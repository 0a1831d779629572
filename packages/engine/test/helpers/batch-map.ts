/**
 * The analysis Map's shape without the analysis: items from a JSON object through ItemReader, batches of
 * `batchSize` (with `batchInput`) through one Lambda task `functionName`, results through a ResultWriter into
 * the same bucket. Used by bench:engine and the plan model's calibration test.
 */
export function batchMapDefinition(opts: {
  bucket: string;
  itemsKey: string;
  batchSize: number;
  batchInput: Record<string, unknown>;
  functionName: string;
}) {
  return {
    StartAt: 'Map',
    States: {
      Map: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: opts.bucket, Key: opts.itemsKey },
        },
        ItemBatcher: { MaxItemsPerBatch: opts.batchSize, BatchInput: opts.batchInput },
        MaxConcurrency: 0,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
          StartAt: 'Task',
          States: {
            Task: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: opts.functionName, 'Payload.$': '$' },
              OutputPath: '$.Payload',
              End: true,
            },
          },
        },
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: opts.bucket, Prefix: 'out' },
        },
        End: true,
      },
    },
  };
}
