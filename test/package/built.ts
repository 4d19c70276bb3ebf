// The reference both shipped forms are held to: the tested build (dist/cli/main.js) run by
// this Node.js in a folder of its own, with the same fixed clock.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TARGETS } from '../../src/core/render/target.js';
import { BIN, type CliResult } from '../helpers/cli.js';
import { ROOT } from './isolated.js';

/** A folder name as a laptop may have one: not ASCII, a space, and what a URL would read
 *  as a fragment or an escape; the shipped forms are installed under it. */
export const HOSTILE_FOLDER = 'prë fix #1 %20';

/** A fixed time for the files' headers, so two renders compare byte for byte. */
export const EPOCH = '1700000000';

/** The version package.json gives. */
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The tested build, by Node, in a folder of its own. */
export function built(args: readonly string[], dir: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', SOURCE_DATE_EPOCH: EPOCH },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of a folder by name, with its content. */
export function filesOf(dir: string): Record<string, string> {
  return existsSync(dir) ? Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')])) : {};
}

/**
 * Renders every target with `run` (in `mineDir`) and with the tested build (in `builtDir`),
 * `render <agentArgs> --target T --out rules-T`: the same exit code and output, and the same
 * files, at least one.
 */
export function expectEveryTargetAsBuilt(
  run: (args: readonly string[]) => CliResult,
  agentArgs: readonly string[],
  { mineDir, builtDir }: { mineDir: string; builtDir: string },
): void {
  for (const target of TARGETS) {
    const args = ['render', ...agentArgs, '--target', target, '--out', `rules-${target}`];
    if (target === 'pac') args.push('--proxy', 'proxy.example.test:3128');
    const mine = run(args);
    expect(mine.code, `${target}: ${mine.stderr}`).toBe(0);
    expect(mine, target).toEqual(built(args, builtDir));
    const files = filesOf(join(mineDir, `rules-${target}`));
    expect(Object.keys(files).length, target).toBeGreaterThan(0);
    expect(files, target).toEqual(filesOf(join(builtDir, `rules-${target}`)));
  }
}
