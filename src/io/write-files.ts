// Writes a set of generated files into a folder: all or nothing as far as the file
// system allows. Each file goes to a temporary name in the same folder first and is
// renamed over the target only when every temporary file is complete, so a failed
// run leaves no half-written file and replaces nothing.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';

export interface FileToWrite {
  name: string;
  content: string;
}

/** The folder or a file in it is in the way; nothing was written. */
export class OutputError extends InputError {
  override name = 'OutputError';
}

/** `label` names the folder in messages: the flag it came from, or what it is for. */
export function writeFilesAtomically(dir: string, files: readonly FileToWrite[], force: boolean, label = `--out ${dir}`): string[] {
  try {
    if (!statSync(dir).isDirectory()) throw new OutputError(`${label} is not a folder`);
  } catch (err) {
    if (err instanceof OutputError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(`${label}: ${(err as Error).message}`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new OutputError(`${label}: ${(e as Error).message}`);
    }
  }
  const paths = files.map((f) => join(dir, f.name));
  const existing = paths.filter((p) => exists(p));
  if (existing.length > 0 && !force) {
    throw new OutputError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace`);
  }
  for (const p of existing) {
    if (lstatSync(p).isDirectory()) throw new OutputError(`${p} is a folder; remove it or choose another folder`);
  }
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps: string[] = [];
  // Subfolders this call made: removed again if it fails, so it leaves nothing behind.
  const made: string[] = [];
  try {
    for (const [i, f] of files.entries()) {
      const path = paths[i] as string;
      // A name may hold one subfolder (the app writes one per target).
      const first = mkdirSync(dirname(path), { recursive: true });
      if (first !== undefined) made.push(first);
      const tmp = join(dirname(path), `.${basename(path)}.${tag}.tmp`);
      // wx: never follow or reuse something already at the temporary name.
      const fd = openSync(tmp, 'wx', 0o644);
      temps.push(tmp);
      try {
        writeSync(fd, f.content);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    files.forEach((_, i) => renameSync(temps[i] as string, paths[i] as string));
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    for (const m of made.reverse()) rmSync(m, { recursive: true, force: true });
    // Permissions, a full disk: the folder cannot take the files; no temporary file stays.
    throw new OutputError(`cannot write to ${dir}: ${(err as Error).message}`);
  }
  return paths;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
