import type { HistoryEvent } from '@platescale/shared';

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** The execution's event history, numbered and linked as GetExecutionHistory returns it. */
export class History {
  private readonly events: HistoryEvent[] = [];
  /** After the execution ends, late events of work still winding down (a stopped Map) are not history. */
  private closed = false;
  constructor(private readonly now: () => Date) {}

  add(type: string, details?: Record<string, unknown>): number {
    if (this.closed && type !== 'ExecutionRedriven') return this.events.length;
    this.closed = TERMINAL.has(type);
    const id = this.events.length + 1;
    const event: HistoryEvent = { id, timestamp: this.now(), type };
    if (id > 1) event.previousEventId = id - 1;
    if (details) event.details = details;
    this.events.push(event);
    return id;
  }

  list(): HistoryEvent[] {
    return this.events.slice();
  }
}
