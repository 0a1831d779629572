import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeMapRunCommand,
  type DescribeMapRunCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  ListMapRunsCommand,
  type MapRunExecutionCounts,
  type MapRunItemCounts,
  RedriveExecutionCommand,
  SFNClient,
  type HistoryEvent as SfnHistoryEvent,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  ConflictError,
  type ExecutionDescription,
  type HistoryEvent,
  type MapRunCounts,
  type MapRunDescription,
  NotFoundError,
  type Workflow,
} from '@platescale/shared';
import { AWS_RETRY_CONFIG, mapAwsError } from '../aws/errors.js';

export interface StepFunctionsWorkflowOptions {
  stateMachineArn: string;
  region?: string;
  /** An existing client (tests pass one; aws-sdk-client-mock also works on the default). */
  client?: SFNClient;
}

/** The Workflow port on AWS Step Functions: same progress fields as the local engine. */
export function createStepFunctionsWorkflow(opts: StepFunctionsWorkflowOptions): Workflow {
  const client = opts.client ?? new SFNClient({ ...(opts.region ? { region: opts.region } : {}), ...AWS_RETRY_CONFIG });

  async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist) throw new NotFoundError('Execution', what);
      if (err instanceof ExecutionAlreadyExists) throw new ConflictError(err.message, 'execution_already_exists');
      if (err instanceof ExecutionNotRedrivable) throw new ConflictError(err.message, 'execution_not_redrivable');
      throw mapAwsError(err, `Step Functions ${what}`);
    }
  }

  return {
    async start(name, input) {
      const out = await send('StartExecution', () =>
        client.send(
          new StartExecutionCommand({ stateMachineArn: opts.stateMachineArn, name, input: JSON.stringify(input) }),
        ),
      );
      return { executionArn: out.executionArn!, startDate: out.startDate! };
    },

    async describe(executionArn) {
      const out = await send(executionArn, () => client.send(new DescribeExecutionCommand({ executionArn })));
      return toDescription(out);
    },

    async mapRuns(executionArn) {
      const arns: { arn: string; start: number }[] = [];
      let nextToken: string | undefined;
      do {
        const page = await send(executionArn, () =>
          client.send(new ListMapRunsCommand({ executionArn, ...(nextToken ? { nextToken } : {}) })),
        );
        for (const m of page.mapRuns ?? []) arns.push({ arn: m.mapRunArn!, start: m.startDate?.getTime() ?? 0 });
        nextToken = page.nextToken;
      } while (nextToken);
      arns.sort((a, b) => b.start - a.start);
      const described = await Promise.all(
        arns.map(({ arn }) => send(arn, () => client.send(new DescribeMapRunCommand({ mapRunArn: arn })))),
      );
      return described.map(toMapRun);
    },

    async history(executionArn) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await send(executionArn, () =>
          client.send(
            new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
          ),
        );
        for (const e of page.events ?? []) events.push(toHistoryEvent(e));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    },

    async stop(executionArn, stopOpts = {}) {
      await send(executionArn, () =>
        client.send(
          new StopExecutionCommand({
            executionArn,
            ...(stopOpts.error ? { error: stopOpts.error } : {}),
            ...(stopOpts.cause ? { cause: stopOpts.cause } : {}),
          }),
        ),
      );
    },

    async redrive(executionArn) {
      await send(executionArn, () => client.send(new RedriveExecutionCommand({ executionArn })));
    },
  };
}

function parseJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}

function toDescription(out: DescribeExecutionCommandOutput): ExecutionDescription {
  const d: ExecutionDescription = {
    executionArn: out.executionArn!,
    stateMachineArn: out.stateMachineArn!,
    name: out.name!,
    status: out.status!,
    startDate: out.startDate!,
    input: parseJson(out.input),
    redriveCount: out.redriveCount ?? 0,
  };
  if (out.stopDate) d.stopDate = out.stopDate;
  if (out.output !== undefined) d.output = parseJson(out.output);
  if (out.error !== undefined) d.error = out.error;
  if (out.cause !== undefined) d.cause = out.cause;
  return d;
}

function toCounts(c: MapRunItemCounts | MapRunExecutionCounts | undefined): MapRunCounts {
  return {
    pending: c?.pending ?? 0,
    running: c?.running ?? 0,
    succeeded: c?.succeeded ?? 0,
    failed: c?.failed ?? 0,
    timedOut: c?.timedOut ?? 0,
    aborted: c?.aborted ?? 0,
    total: c?.total ?? 0,
    resultsWritten: c?.resultsWritten ?? 0,
    failuresNotRedrivable: c?.failuresNotRedrivable ?? 0,
    pendingRedrive: c?.pendingRedrive ?? 0,
  };
}

function toMapRun(out: DescribeMapRunCommandOutput): MapRunDescription {
  const d: MapRunDescription = {
    mapRunArn: out.mapRunArn!,
    executionArn: out.executionArn!,
    status: out.status!,
    startDate: out.startDate!,
    maxConcurrency: out.maxConcurrency ?? 0,
    toleratedFailurePercentage: out.toleratedFailurePercentage ?? 0,
    toleratedFailureCount: out.toleratedFailureCount ?? 0,
    itemCounts: toCounts(out.itemCounts),
    executionCounts: toCounts(out.executionCounts),
  };
  if (out.stopDate) d.stopDate = out.stopDate;
  return d;
}

/** GetExecutionHistory puts each event's details in a `<type>EventDetails` member; the port has one `details`. */
function toHistoryEvent(e: SfnHistoryEvent): HistoryEvent {
  const { id, previousEventId, timestamp, type, ...rest } = e;
  const detailKey = Object.keys(rest).find((k) => k.endsWith('EventDetails'));
  const event: HistoryEvent = { id: id!, timestamp: timestamp!, type: type! };
  if (previousEventId) event.previousEventId = previousEventId;
  if (detailKey) event.details = (rest as Record<string, Record<string, unknown>>)[detailKey]!;
  return event;
}
