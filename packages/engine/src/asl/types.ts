/** The ASL shapes the engine executes (JSONPath query language). Validated by definition.ts before use. */
export interface StateMachineDef {
  Comment?: string;
  StartAt: string;
  States: Record<string, StateDef>;
  TimeoutSeconds?: number;
  Version?: string;
  QueryLanguage?: 'JSONPath';
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export interface ItemReaderDef {
  Resource: string;
  ReaderConfig?: {
    InputType?: 'JSON' | 'JSONL' | 'CSV';
    CSVHeaderLocation?: 'FIRST_ROW' | 'GIVEN';
    CSVHeaders?: string[];
    CSVDelimiter?: 'COMMA' | 'PIPE' | 'SEMICOLON' | 'SPACE' | 'TAB';
    MaxItems?: number;
    MaxItemsPath?: string;
  };
  Parameters?: Record<string, unknown>;
}

export interface ItemBatcherDef {
  MaxItemsPerBatch?: number;
  MaxItemsPerBatchPath?: string;
  MaxInputBytesPerBatch?: number;
  MaxInputBytesPerBatchPath?: string;
  BatchInput?: Record<string, unknown>;
}

export interface ProcessorDef extends StateMachineDef {
  ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' };
}

export interface StateDef {
  Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Map' | 'Parallel';
  Comment?: string;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  ResultPath?: string | null;
  Parameters?: unknown;
  ResultSelector?: Record<string, unknown>;
  Retry?: Retrier[];
  Catch?: Catcher[];
  // Pass
  Result?: unknown;
  // Task
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  // Choice
  Choices?: ChoiceRule[];
  Default?: string;
  // Wait
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  // Fail
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
  // Map
  ItemsPath?: string;
  ItemSelector?: Record<string, unknown>;
  ItemProcessor?: ProcessorDef;
  Iterator?: ProcessorDef;
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  ItemReader?: ItemReaderDef;
  ItemBatcher?: ItemBatcherDef;
  ResultWriter?: { Resource: string; Parameters: Record<string, unknown> };
  ToleratedFailurePercentage?: number;
  ToleratedFailurePercentagePath?: string;
  ToleratedFailureCount?: number;
  ToleratedFailureCountPath?: string;
  Label?: string;
  // Parallel
  Branches?: StateMachineDef[];
}

export interface ChoiceRule {
  Next?: string;
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  [operator: string]: unknown;
}
