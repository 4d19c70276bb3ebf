// The record of a set being replaced: `<dir>/.emaint-egress.manifest.json` lists the files
// of the set with the SHA-256 of their new content. It is written once every temporary file
// is complete, before the first rename, and removed after the last one; so it exists only
// while a set is half replaced, and one found by a later run means that write was cut off.
// Its hashes then tell which files are new and which are from before. Rendered files hold
// no secret, so neither do their hashes.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_NAME = '.emaint-egress.manifest.json';
const MAX_BYTES = 1024 * 1024;

export interface ManifestFile {
  name: string;
  sha256: string;
}

/** What a cut-off write left: its pid, and its files by whether they hold its content. */
export type Interrupted = { pid: number; fresh: string[]; stale: string[] } | { unreadable: true };

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function writeManifest(dir: string, run: string, files: readonly ManifestFile[]): void {
  const path = join(dir, MANIFEST_NAME);
  const tmp = join(dir, `${MANIFEST_NAME}.${run}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, `${JSON.stringify({ emaintEgressWrite: 1, pid: process.pid, run, files }, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function removeManifest(dir: string): void {
  rmSync(join(dir, MANIFEST_NAME), { force: true });
}

/** null: no write was cut off here (or it left only temporary files). */
export function readInterrupted(dir: string): Interrupted | null {
  const path = join(dir, MANIFEST_NAME);
  let text: string;
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_BYTES) return { unreadable: true };
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : { unreadable: true };
  }
  const doc = parse(text);
  if (doc === null) return { unreadable: true };
  const fresh: string[] = [];
  const stale: string[] = [];
  for (const f of doc.files) (fileHash(join(dir, f.name)) === f.sha256 ? fresh : stale).push(f.name);
  return { pid: doc.pid, fresh, stale };
}

function parse(text: string): { pid: number; files: ManifestFile[] } | null {
  try {
    const doc = JSON.parse(text) as { emaintEgressWrite?: unknown; pid?: unknown; files?: unknown };
    if (doc.emaintEgressWrite !== 1 || !Number.isSafeInteger(doc.pid) || !Array.isArray(doc.files) || doc.files.length > 10_000) return null;
    const files = doc.files as { name?: unknown; sha256?: unknown }[];
    // Only names this tool writes: relative, at most one subfolder, never out of the folder.
    const ok = files.every((f) => typeof f.name === 'string' && safeName(f.name) && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256));
    return ok ? { pid: doc.pid as number, files: files as ManifestFile[] } : null;
  } catch {
    return null;
  }
}

function safeName(name: string): boolean {
  const parts = name.split('/');
  return parts.length <= 2 && parts.every((p) => p !== '' && p !== '.' && p !== '..' && p.length <= 255 && !/[\\\0]/.test(p));
}

/** null for a missing file or anything but a regular file. */
function fileHash(path: string): string | null {
  try {
    if (!lstatSync(path).isFile()) return null;
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

export function runTag(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}
