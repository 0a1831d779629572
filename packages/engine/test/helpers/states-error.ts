import { StatesError } from '../../src/errors.js';

/** The Step Functions error name `run` fails with (sync or async), or undefined when it does not fail. */
export async function statesErrorOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    if (err instanceof StatesError) return err.error;
    throw err;
  }
}
