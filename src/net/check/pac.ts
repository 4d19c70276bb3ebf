// A PAC file, run as the devices would run it, to learn each host's route. The file is
// somebody else's JavaScript: it runs in QuickJS (pac-resolver on quickjs-wasi) inside
// worker threads that are killed when they overrun (see pac-pool.ts), with the engine's
// memory capped (see pac-engine.ts). Its DNS functions ask the site's resolver, like
// everything else in the check.
import type { PacRoute } from '../../core/proxy-url.js';
import { InputError } from '../../core/errors.js';
import type { Resolver } from './lookup.js';
import { memo } from './memo.js';
import { MEMORY_LIMIT_MIB, type PacSandboxFiles, type Verdict, pacEngine } from './pac-engine.js';
import { PacPool } from './pac-pool.js';

export class PacFileError extends InputError {
  override name = 'PacFileError';
}

/** `local`: this machine's error code (EAGAIN) where it could not run the file at all. */
export type PacAnswer = PacRoute | { kind: 'error'; detail: string; local?: string };

export interface PacRouter {
  route(host: string, port: number): Promise<PacAnswer>;
  /** Stops the sandbox's threads (a later route starts them again). */
  close(): Promise<void>;
}

/**
 * Compiles the PAC text; a file that does not define FindProxyForURL is bad input.
 * `myIp` answers myIpAddress(): this host's address toward the site's network.
 */
/** The shortest time the PAC file's load may take, whatever the per-phase timeout. */
export const PAC_LOAD_MS = 2000;

export async function loadPac(text: string, file: string, resolver: Resolver, timeoutMs: number, myIp: string, files: PacSandboxFiles): Promise<PacRouter> {
  const lookup = async (name: string): Promise<string | null> => {
    const r = await resolver(name);
    return r.ok ? (r.addresses.find((a) => a.family === 4)?.address ?? null) : null;
  };
  const pool = new PacPool(files.worker(), { engine: await pacEngine(files), text, myIp, timeoutMs }, lookup);
  // The load has its own limit: it includes the sandbox's start (a thread, the engine), which
  // a busy laptop may take longer than a short --timeout for; only a file whose top level
  // runs on past it is a bad file.
  const loadMs = Math.max(timeoutMs, PAC_LOAD_MS);
  const loaded = await pool.run({ type: 'load', timeoutMs: loadMs });
  if (!loaded.ok) {
    await pool.close();
    // Not the file's fault, so not bad input: an internal error (exit 70, Nagios UNKNOWN).
    if (loaded.stop === 'local') throw new Error(`this machine could not start a thread for the PAC file ${file} (${loaded.message})`);
    throw new PacFileError(`--pac ${file}: not a usable PAC file: ${loadProblem(loaded, loadMs)}`);
  }
  // Each host and port is asked once, in a fresh engine with the whole timeout.
  const route = memo(async (key: string): Promise<PacAnswer> => {
    const colon = key.lastIndexOf(':');
    const host = key.slice(0, colon);
    const port = Number(key.slice(colon + 1));
    const v = await pool.run({ type: 'route', url: `https://${host}${port === 443 ? '' : `:${port}`}/`, host });
    if (v.ok) return v.route ?? { kind: 'unsupported', entry: 'no answer' };
    if (v.stop === 'local') return { kind: 'error', detail: `this machine could not start a thread for the PAC file (${v.message})`, local: v.message };
    return { kind: 'error', detail: routeProblem(v, timeoutMs) };
  });
  return { route: (host, port) => route(`${host}:${port}`), close: () => pool.close() };
}

type Stopped = Extract<Verdict, { ok: false }>;

function routeProblem(v: Stopped, timeoutMs: number): string {
  if (v.stop === 'time') return `FindProxyForURL was interrupted: it did not finish within ${timeoutMs} ms`;
  if (v.stop === 'memory') return `FindProxyForURL was stopped: it used more than ${MEMORY_LIMIT_MIB} MiB`;
  return `FindProxyForURL failed: ${v.message}`;
}

function loadProblem(v: Stopped, loadMs: number): string {
  if (v.stop === 'time') return `its top level did not finish within ${loadMs} ms`;
  if (v.stop === 'memory') return `its top level used more than ${MEMORY_LIMIT_MIB} MiB`;
  return v.message;
}
