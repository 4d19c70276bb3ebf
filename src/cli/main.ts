#!/usr/bin/env node
// The emaint-egress executable.
import { run } from './program.js';

// `emaint-egress render ... | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  rows: process.stdout.isTTY ? process.stdout.rows : undefined,
});
