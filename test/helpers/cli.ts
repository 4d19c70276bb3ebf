import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing its output. */
export async function cli(...argv: string[]): Promise<CliResult> {
  return cliOn(undefined, ...argv);
}

/** Runs the CLI in-process as if stdout were a terminal `columns` wide. */
export async function cliOn(columns: number | undefined, ...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), columns });
  return { code, stdout, stderr };
}

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs the built executable as a user would (npm test builds it first). */
export function bin(...argv: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
