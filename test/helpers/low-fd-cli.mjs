// The built CLI with only a few file descriptors to spare, as on a laptop whose open-file
// limit is spent:  node low-fd-cli.mjs <spare> <cli args...>
// The CLI's modules load first (that takes many files at once), the check's too (the CLI
// loads them when a check starts); then this process lowers its own limit with prlimit to
// what it holds plus <spare>, and runs the command.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const [spare, ...argv] = process.argv.slice(2);
const { run } = await import(new URL('../../dist/cli/program.js', import.meta.url).href);
await import(new URL('../../dist/commands/check.js', import.meta.url).href);
const limit = readdirSync('/proc/self/fd').length + Number(spare);
execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${limit}:${limit}`]);
process.exitCode = await run(argv, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
