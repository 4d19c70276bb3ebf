#!/usr/bin/env node
// The emaint-egress executable.
import { run } from './program.js';
import { EXIT_CANCELLED } from './usage-error.js';

// `emaint-egress render ... | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  rows: process.stdout.isTTY ? process.stdout.rows : undefined,
  terminal: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true },
});
// Ctrl-C in the app: the terminal is restored; do not wait for a check still under way.
if (code === EXIT_CANCELLED) process.exit(code);
process.exitCode = code;
