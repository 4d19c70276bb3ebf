#!/usr/bin/env node
// The emaint-egress executable. Anything unexpected (a module that cannot load, an
// exception no command caught, a stream error) is one line and exit code 70, never a
// stack trace; EMAINT_DEBUG=1 adds the stack. Under `check --format nagios` that line is
// the plugin's UNKNOWN, on stdout, with exit code 3.
import { oneLine, redactSecrets } from '../core/text.js';
import { nagiosRequested } from './check-format.js';
import { EXIT_CANCELLED, EXIT_SOFTWARE, NAGIOS_EXIT } from './exit-codes.js';

const nagios = nagiosRequested(process.argv.slice(2));

function die(what: string, err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  const message = `${what}: ${redactSecrets(oneLine(e.message, 300))}\n`;
  // The status word is written out here: the module that names it may be the one that did not load.
  if (nagios) process.stdout.write(`EGRESS UNKNOWN: ${message}`);
  else process.stderr.write(`emaint-egress: ${message}`);
  if (process.env['EMAINT_DEBUG']) process.stderr.write(`${e.stack ?? ''}\n`);
  process.exit(nagios ? NAGIOS_EXIT.UNKNOWN : EXIT_SOFTWARE);
}

process.on('uncaughtException', (err) => die('internal error', err));
process.on('unhandledRejection', (err) => die('internal error', err));

// `emaint-egress render ... | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  die('cannot write to standard output', err);
});

// No top-level await: the single executable runs this bundled as CommonJS (.ci/build/package.mjs).
void main();

async function main(): Promise<void> {
  // Loaded here rather than imported, so a machine that cannot even load the tool (out of
  // file descriptors, a damaged install) gets one line too.
  let program: typeof import('./program.js');
  try {
    program = await import('./program.js');
  } catch (err) {
    die('cannot start', err);
  }

  const code = await program.run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    rows: process.stdout.isTTY ? process.stdout.rows : undefined,
    terminal: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true },
  });
  // Ctrl-C in the app: the terminal is restored; do not wait for a check still under way.
  if (code === EXIT_CANCELLED) process.exit(code);
  process.exitCode = code;
}
