import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { run } from '../../src/commands/sfn.js';
import { captureOutput } from '../helpers/output.js';

t.test('sfn run: batches from a CSV ItemReader, a tolerated failure, ResultWriter files under --objects', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sfn-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'objects', 'inputs'), { recursive: true });
  await writeFile(join(dir, 'objects', 'inputs', 'items.csv'), 'name,n\na,1\nb,2\nbad,3\nc,4\n');
  await writeFile(
    join(dir, 'count.mjs'),
    `export async function count(e) {
      if (e.Items.some((i) => i.name === 'bad')) throw new RangeError('bad item');
      return { n: e.Items.length, tag: e.BatchInput.tag };
    }\n`,
  );
  await writeFile(join(dir, 'input.json'), '{"tag":"x"}');
  await writeFile(
    join(dir, 'def.json'),
    JSON.stringify({
      StartAt: 'Map',
      States: {
        Map: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
            Parameters: { Bucket: 'inputs', Key: 'items.csv' },
          },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'tag.$': '$.tag' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'T',
            States: {
              T: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: `\${Fn}`, 'Payload.$': '$' },
                OutputPath: '$.Payload',
                End: true,
              },
            },
          },
          ToleratedFailurePercentage: 50,
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'outputs', Prefix: 'res' } },
          End: true,
        },
      },
    }),
  );
  const { code, stdout } = await captureOutput(() =>
    run([
      'run',
      join(dir, 'def.json'),
      '--input',
      `@${join(dir, 'input.json')}`,
      '--lambda',
      `arn:aws:lambda:us-east-1:123456789012:function:counter=${join(dir, 'count.mjs')}#count`,
      '--sub',
      'Fn=counter',
      '--objects',
      join(dir, 'objects'),
    ]),
  );
  t.equal(code, 0);
  const output = JSON.parse(stdout) as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
  t.equal(output.ResultWriterDetails.Bucket, 'outputs');
  const manifest = JSON.parse(await readFile(join(dir, 'objects', 'outputs', output.ResultWriterDetails.Key), 'utf8'));
  t.equal(manifest.MapRunArn, output.MapRunArn);
  const files = (await readdir(join(dir, 'objects', 'outputs', 'res'), { recursive: true })).sort();
  t.match(
    files.filter((f) => f.endsWith('.json')).map((f) => f.split('/').pop()),
    ['FAILED_0.json', 'SUCCEEDED_0.json', 'manifest.json'],
  );
});

t.test('sfn run: a FAILED execution exits 1 with the error and cause on stderr', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sfn-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, 'def.yaml'),
    'StartAt: F\nStates:\n  F:\n    Type: Fail\n    Error: ErrorA\n    Cause: Kaiju attack\n',
  );
  const { code, stdout, stderr } = await captureOutput(() => run(['run', join(dir, 'def.yaml'), '--objects', dir]));
  t.equal(code, 1);
  t.equal(stdout, '');
  t.match(stderr, /FAILED: ErrorA\nKaiju attack/);
});

t.test('sfn run: an unsupported field is refused at load time, naming it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sfn-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, 'def.json'),
    JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true, Credentials: {} } } }),
  );
  await t.rejects(run(['run', join(dir, 'def.json'), '--objects', dir]), {
    name: 'DefinitionError',
    message: /States\.P\.Credentials/,
  });
});
