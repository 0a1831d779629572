#!/usr/bin/env node
import { PlatescaleError } from '@platescale/shared';
import { commands } from './commands/index.js';
import { failureMessage } from './lib/failure.js';

/** `platescale <command> [...args]`: each command module exports `run(args): Promise<number>` (the exit code). */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const entry = name ? commands[name] : undefined;
  if (!entry) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
      .join('\n');
    process.stderr.write(`usage: platescale <command> [options]\n\ncommands:\n${list}\n`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  const mod = await entry.load();
  return mod.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`platescale: ${failureMessage(err)}\n`);
    process.exitCode = err instanceof PlatescaleError && err.status < 500 ? 2 : 1;
  },
);
