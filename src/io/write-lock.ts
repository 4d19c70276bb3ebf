// One writer per folder: `<dir>/.emaint-egress.lock`, made with an exclusive create and
// removed when the write ends. It names its holder (pid, host, start), so a lock left by a
// run that was killed is recognised as stale and taken over instead of blocking for ever.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { escapeUnsafe } from '../core/text.js';
import { OutputError } from './write-errors.js';

export const LOCK_NAME = '.emaint-egress.lock';

interface Holder {
  pid: number;
  host: string;
  /** Kernel start time of the process (Linux), to tell a reused pid from the holder. */
  procStart: string | null;
  started: string;
  nonce: string;
}

export interface Lock {
  /** A lock taken over from an ended run: its pid, whose temporary files may be removed too. */
  staleFrom: number | null;
  release(): void;
}

/** Takes the folder's lock or throws the one line that names the run holding it. */
export function takeLock(dir: string): Lock {
  const path = join(dir, LOCK_NAME);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    procStart: procStart(process.pid),
    started: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  let staleFrom: number | null = null;
  // Twice at most: once to find a stale lock and clear it, once to take the folder.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      createExclusive(path, `${JSON.stringify(me)}\n`);
      return { staleFrom, release: () => releaseIfMine(path, me.nonce) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`cannot write to ${dir}: ${(err as Error).message}`);
    }
    const text = readLock(path);
    if (text === null) continue; // It went away meanwhile: try again.
    const holder = parseHolder(text);
    if (holder === null) {
      throw new OutputError(`${path} is in the way and names no emaint-egress run; remove it if no run is writing to ${dir}`);
    }
    if (holder.host !== me.host || holderAlive(holder)) {
      const who = holder.host === me.host ? `pid ${holder.pid}` : `pid ${holder.pid} on ${escapeUnsafe(holder.host)}`;
      throw new OutputError(`another emaint-egress run (${who}) is writing to ${dir}; try again when it has finished`);
    }
    if (!clearStale(path, dir, text)) continue;
    staleFrom = holder.pid;
  }
  throw new OutputError(`another emaint-egress run is writing to ${dir}; try again when it has finished`);
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderAlive(h: Holder): boolean {
  if (!pidAlive(h.pid)) return false;
  // The pid runs, but if it started at another time it is a new process that reused it.
  const now = procStart(h.pid);
  return h.procStart === null || now === null || now === h.procStart;
}

/** The lock appears whole or not at all: written under a temporary name, then linked.
 *  File systems without hard links (FAT on a USB stick) get an exclusive create instead. */
function createExclusive(path: string, text: string): void {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeNew(tmp, text);
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    writeNew(path, text);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function writeNew(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Moves the stale lock aside (atomic, so only one run can do it) and checks that what it
 *  moved is the stale lock it read; a fresh lock taken meanwhile is put back. */
function clearStale(path: string, dir: string, staleText: string): boolean {
  const aside = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    renameSync(path, aside);
  } catch {
    return false;
  }
  const moved = readLock(aside);
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // Yet another run took the folder in between; it holds it now.
    }
    rmSync(aside, { force: true });
    throw new OutputError(`another emaint-egress run is writing to ${dir}; try again when it has finished`);
  }
  rmSync(aside, { force: true });
  return true;
}

function releaseIfMine(path: string, nonce: string): void {
  const text = readLock(path);
  if (text !== null && parseHolder(text)?.nonce === nonce) rmSync(path, { force: true });
}

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').slice(0, 4096);
  } catch {
    return null;
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (!Number.isSafeInteger(h.pid) || (h.pid as number) <= 0 || typeof h.host !== 'string' || typeof h.nonce !== 'string') return null;
    return { pid: h.pid as number, host: h.host, procStart: typeof h.procStart === 'string' ? h.procStart : null, started: String(h.started), nonce: h.nonce };
  } catch {
    return null;
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null off Linux. */
function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
