// Reads and writes saved runs (see src/core/saved-run.ts): bounded reads, atomic writes, and
// never over a file that is not a saved run (a profile, rules, anything else the user keeps).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { RUN_FORMAT, RunError, type SavedRun, parseSavedRun } from '../core/saved-run.js';
import { InputError } from '../core/errors.js';
import { escapeUnsafe, safeJson } from '../core/text.js';
import { readJsonDocument } from './json-file.js';
import { writeFileAtomically } from './write-files.js';

/** A run of thousands of flows is a few MiB. */
const MAX_BYTES = 32 * 1024 * 1024;

/** The JSON document of a file, or a one-line error naming it as `what`. */
export function readJsonFile(path: string, what: string, maxBytes = MAX_BYTES): unknown {
  return readJsonDocument(path, { where: `${what} ${escapeUnsafe(path)}`, maxBytes, error: (m) => new RunError(m) });
}

/** Reads and validates a saved run; every problem is one line starting with the file's name. */
export function readRun(path: string): SavedRun {
  return runOf(readJsonFile(path, 'run'), path);
}

/** A parsed document as a run, its problems named with the file. */
export function runOf(doc: unknown, path: string): SavedRun {
  try {
    return parseSavedRun(doc);
  } catch (err) {
    if (err instanceof InputError) throw new RunError(`run ${escapeUnsafe(path)}: ${err.message}`);
    throw err;
  }
}

/** What is at `path`: nothing, a saved run (which a new one may replace), or something else. */
export function runFileState(path: string): 'none' | 'run' | 'other' {
  let fd: number;
  try {
    if (!statSync(path).isFile()) return 'other';
    fd = openSync(path, 'r');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : 'other';
  }
  try {
    // The format is the first field we write: the head of the file says what it is.
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    return new RegExp(`^\\s*\\{\\s*"format":\\s*"${RUN_FORMAT}"`).test(head.subarray(0, n).toString('utf8')) ? 'run' : 'other';
  } finally {
    closeSync(fd);
  }
}

/** Refuses, before a check starts, a path the run could not be saved to. */
export function assertRunPath(path: string, label: string): void {
  if (runFileState(path) === 'other') {
    throw new RunError(`${label} ${escapeUnsafe(path)} exists and is not a saved run; give a new file name (a run replaces only an earlier run)`);
  }
}

/** The run's JSON as saved: 2-space indent, unsafe characters as \uXXXX, one trailing newline. */
export function runJson(run: SavedRun): string {
  return `${safeJson(run)}\n`;
}

/** Writes the run atomically (a temporary file, then one rename), replacing an earlier run only. */
export function writeRun(path: string, run: SavedRun, label: string): string {
  assertRunPath(path, label);
  return writeFileAtomically(dirname(path), { name: basename(path), content: runJson(run) }, `${label} ${escapeUnsafe(path)}`);
}
