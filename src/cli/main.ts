#!/usr/bin/env node
// The emaint-egress executable.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
});
