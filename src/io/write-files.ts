// Writes a set of generated files into a folder: all or nothing as far as the file
// system allows, and one run at a time. The run takes the folder's lock (write-lock.ts),
// clears what a killed run left (its temporary files; a manifest saying which of its files
// are new), writes each file to a temporary name in the same folder, records the set in the
// manifest (write-manifest.ts), renames every file over its target, and removes the
// manifest and the lock. A failed run leaves no half-written file and replaces nothing; a
// killed one leaves what the next run finds, cleans and reports.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { escapeUnsafe } from '../core/text.js';
import { OutputError } from './write-errors.js';
import { LOCK_NAME, type Lock, pidAlive, takeLock } from './write-lock.js';
import { MANIFEST_NAME, readInterrupted, removeManifest, runTag, sha256, writeManifest } from './write-manifest.js';

export { OutputError } from './write-errors.js';

export interface FileToWrite {
  name: string;
  content: string;
}

/** Something the user should know about the folder: the CLI prints it on stderr. */
export interface WriteNote {
  level: 'note' | 'warning';
  text: string;
}

/** `.<name>.<pid>-<8 hex>.tmp`: a file, the lock or the manifest on its way into place. */
const TEMP = /^\..+\.(\d+)-[0-9a-f]{8}\.tmp$/;

/** `label` names the folder in messages: the flag it came from, or what it is for. Notes are
 *  handed to `notify` as they arise, so they reach the user even if the write then fails. */
export function writeFilesAtomically(
  dir: string,
  files: readonly FileToWrite[],
  force: boolean,
  label = `--out ${dir}`,
  notify: (note: WriteNote) => void = () => {},
): string[] {
  ensureFolder(dir, label);
  // The lock is the top folder's, also when the names hold subfolders (the app's targets).
  const lock = takeLock(dir);
  try {
    recover(dir, files, lock, force, notify);
    return replaceSet(dir, files, force, true);
  } finally {
    lock.release();
  }
}

/** One file (a site profile): a temporary file and one rename, so it is never mixed and
 *  needs neither the folder's lock nor a manifest; replaces an existing file. */
export function writeFileAtomically(dir: string, file: FileToWrite, label: string): string {
  ensureFolder(dir, label);
  return replaceSet(dir, [file], true, false)[0] as string;
}

function ensureFolder(dir: string, label: string): void {
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
}

/** `record`: keep the manifest while the set is half replaced. */
function replaceSet(dir: string, files: readonly FileToWrite[], force: boolean, record: boolean): string[] {
  const paths = files.map((f) => join(dir, f.name));
  const existing = paths.filter((p) => exists(p));
  if (existing.length > 0 && !force) {
    throw new OutputError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace`);
  }
  for (const p of existing) {
    if (lstatSync(p).isDirectory()) throw new OutputError(`${p} is a folder; remove it or choose another folder`);
  }
  const tag = runTag();
  const temps: string[] = [];
  // Subfolders this call made: removed again if it fails, so it leaves nothing behind.
  const made: string[] = [];
  let renamed = 0;
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
    if (record)
      writeManifest(
        dir,
        tag,
        files.map((f) => ({ name: f.name, sha256: sha256(f.content) })),
      );
    for (const [i, t] of temps.entries()) {
      renameSync(t, paths[i] as string);
      renamed++;
    }
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    // Once a file is replaced the manifest stays, so the next run reports the mixed set.
    if (renamed === 0) {
      if (record) removeManifest(dir);
      for (const m of made.reverse()) rmSync(m, { recursive: true, force: true });
    }
    // Permissions, a full disk: the folder cannot take the files; no temporary file stays.
    throw new OutputError(`cannot write to ${dir}: ${(err as Error).message}`);
  }
  if (record) removeManifest(dir);
  return paths;
}

/** Clears and reports what a killed run left; runs only while holding the lock. */
function recover(dir: string, files: readonly FileToWrite[], lock: Lock, force: boolean, report: (note: WriteNote) => void): void {
  // Folder and file names come from the user and the disk: one visible line each.
  const notify = (n: WriteNote) => report({ level: n.level, text: escapeUnsafe(n.text) });
  if (lock.staleFrom !== null)
    notify({ level: 'note', text: `${dir} was locked by a run that ended without finishing (pid ${lock.staleFrom}); lock taken over` });
  const cut = readInterrupted(dir);
  const folders = new Set([dir, ...files.map((f) => dirname(join(dir, f.name)))]);
  if (cut !== null && !('unreadable' in cut)) for (const n of [...cut.fresh, ...cut.stale]) folders.add(dirname(join(dir, n)));
  const removed = new Map<number, number>();
  for (const folder of folders) {
    for (const entry of listing(folder)) {
      const pid = Number(TEMP.exec(entry)?.[1] ?? Number.NaN);
      if (!Number.isSafeInteger(pid) || pid === process.pid) continue;
      // A live pid may be another kind of writer (a profile being saved): left alone.
      if (pid !== lock.staleFrom && pidAlive(pid)) continue;
      rmSync(join(folder, entry), { force: true });
      // A run that lost the race for the lock can leave its attempt: not part of any set.
      if (entry.startsWith(`${LOCK_NAME}.`)) continue;
      removed.set(pid, (removed.get(pid) ?? 0) + 1);
    }
  }
  if (removed.size > 0) {
    const n = [...removed.values()].reduce((a, b) => a + b, 0);
    const pids = [...removed.keys()].join(', ');
    notify({
      level: 'note',
      text: `removed ${n} temporary file${n === 1 ? '' : 's'} of an interrupted run (pid${removed.size === 1 ? '' : 's'} ${pids}) from ${dir}`,
    });
  }
  if (cut === null) return;
  if ('unreadable' in cut) {
    notify({ level: 'warning', text: `${join(dir, MANIFEST_NAME)} cannot be read: an earlier write to ${dir} may have been interrupted; check its files` });
    return;
  }
  const names = (list: string[]) => list.join(', ');
  if (cut.fresh.length > 0 && cut.stale.length > 0) {
    const verb = cut.fresh.length === 1 ? 'is' : 'are';
    const fix = force ? '' : '; pass --force to write a whole set';
    notify({
      level: 'warning',
      text: `the previous write to ${dir} (pid ${cut.pid}) was interrupted: ${names(cut.fresh)} ${verb} from that run, ${names(cut.stale)} from before${fix}`,
    });
  } else if (cut.fresh.length === 0) {
    notify({ level: 'note', text: `the previous write to ${dir} (pid ${cut.pid}) was interrupted before it replaced any file` });
  }
  // Not mixed (none or all of the cut-off set in place): nothing left to report. A mixed set's
  // record stays until a run replaces it, so a refused run reports it again.
  if (cut.fresh.length === 0 || cut.stale.length === 0) removeManifest(dir);
}

function listing(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
