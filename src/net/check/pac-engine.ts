// The PAC sandbox's engine and the messages between the router (main thread) and its
// workers. QuickJS runs as WebAssembly, whose memory is not V8 heap: a worker's
// resourceLimits do not cap it, and the engine's own memoryLimit misses some allocations
// (array storage). So the engine is compiled with a hard maximum on its linear memory:
// past it, the engine's allocator gets no more pages and QuickJS throws "out of memory".
import type { PacRoute } from '../../core/proxy-url.js';

/** What one PAC evaluation may use: QuickJS's own limit, and the cap on its memory. */
export const MEMORY_LIMIT = 64 * 1024 * 1024;
/** The linear memory also holds the engine's static data and stack (about 1 MiB). */
const MEMORY_MAX = MEMORY_LIMIT + 8 * 1024 * 1024;
const PAGE = 64 * 1024;
/** Distinct names one evaluation may look up; beyond, dnsResolve is null (isResolvable, isInNet false). */
export const LOOKUPS_PER_EVALUATION = 8;

/** A compiled WebAssembly.Module (this project's TypeScript libs do not declare WebAssembly). */
export type Engine = object;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<Engine> } }).WebAssembly;

/** Settings every worker starts with (structured-cloned; the Module is shared, not copied). */
export interface WorkerSetup {
  engine: Engine;
  text: string;
  myIp: string;
  timeoutMs: number;
}

/** How an evaluation ended: the route, or why the sandbox stopped it. */
export type Verdict = { ok: true; route: PacRoute | null } | { ok: false; stop: Stop; message: string };
/** `local`: this machine would not start a thread for it (the message is the error code, EAGAIN):
 *  no verdict on the file. */
export type Stop = 'time' | 'memory' | 'error' | 'local';

export type ToWorker =
  | { type: 'load'; id: number; timeoutMs: number }
  | { type: 'route'; id: number; url: string; host: string; timeoutMs: number }
  | { type: 'looked'; id: number; seq: number; address: string | null };

export type FromWorker = { type: 'ready' } | { type: 'done'; id: number; verdict: Verdict } | { type: 'lookup'; id: number; seq: number; name: string };

/** Where the sandbox's code comes from (the caller reads it: a package folder, or the
 *  single executable's assets; see src/io/shipped.ts). */
export interface PacSandboxFiles {
  /** quickjs-wasi's quickjs.wasm. */
  engine(): Uint8Array;
  /** pac-worker.js: its module's URL, or its code bundled as one script. */
  worker(): URL | { code: string };
}

let engine: Promise<Engine> | undefined;

/** quickjs-wasi's engine, with its memory capped; compiled once per process. */
export function pacEngine(files: PacSandboxFiles): Promise<Engine> {
  engine ??= (async () => wasm.compile(withMemoryMax(files.engine(), MEMORY_MAX)))();
  return engine;
}

/**
 * The module with a maximum on its one defined memory. WebAssembly binary format: after
 * the 8-byte header, sections of (id, LEB128 size, content); the memory section (id 5)
 * holds a count and per memory its limits: flag 0 (min) or 1 (min, max).
 */
export function withMemoryMax(wasm: Uint8Array, maxBytes: number): Uint8Array {
  const maxPages = Math.floor(maxBytes / PAGE);
  let at = 8;
  const leb = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[at++];
      if (byte === undefined) throw new Error('quickjs.wasm: truncated');
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (at < wasm.length) {
    const start = at;
    const id = wasm[at++];
    const size = leb();
    const content = at;
    if (id === 5) {
      const count = leb();
      const flags = wasm[at++];
      const min = leb();
      if (count !== 1 || (flags !== 0 && flags !== 1)) throw new Error('quickjs.wasm: an unexpected memory declaration');
      if (min > maxPages) throw new Error('quickjs.wasm: its memory starts above the cap');
      const section = [1, 1, ...encodeLeb(min), ...encodeLeb(maxPages)];
      return concat(wasm.subarray(0, start), Uint8Array.from([5, ...encodeLeb(section.length), ...section]), wasm.subarray(content + size));
    }
    at = content + size;
  }
  throw new Error('quickjs.wasm: no memory section');
}

function encodeLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** MiB, for messages. */
export const MEMORY_LIMIT_MIB = MEMORY_LIMIT / (1024 * 1024);
