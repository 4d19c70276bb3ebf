// One PAC worker: a thread that runs the PAC file in QuickJS, one evaluation at a time,
// each in a fresh engine (what one host's evaluation leaves behind cannot reach the
// next). The router kills the thread when an evaluation overruns, so nothing here has
// to be trusted to stop: the limits here make the usual cases end early and cleanly.
// A separate module entry: the router starts it by URL (see pac-pool.ts).
import { parentPort, workerData } from 'node:worker_threads';
import ipaddr from 'ipaddr.js';
import { createPacResolver } from 'pac-resolver';
import { QuickJS } from 'quickjs-wasi';
import { parsePacResult } from '../../core/proxy-url.js';
import { oneLine } from '../../core/text.js';
import { type FromWorker, LOOKUPS_PER_EVALUATION, MEMORY_LIMIT, type Stop, type ToWorker, type Verdict, type WorkerSetup } from './pac-engine.js';

/** A PAC answers in milliseconds; one running longer is slowed down (see interrupt). */
const BUSY_MS = 100;
const NAP_MS = 10;

const port = parentPort;
if (!port) throw new Error('pac-worker runs as a worker thread');
const setup = workerData as WorkerSetup;
const send = (m: FromWorker) => port.postMessage(m);

/** The evaluation under way: its id, and how to end it from outside the engine. */
let current: { id: number; finish(v: Verdict): void; looked: Map<number, (address: string | null) => void> } | null = null;

// The engine throws from its promise jobs ("Job execution error: InternalError:
// interrupted") where nobody awaits; that ends the evaluation under way, not the thread.
process.on('unhandledRejection', (err) => current?.finish(failure(err)));
process.on('uncaughtException', (err) => current?.finish(failure(err)));

port.on('message', (m: ToWorker) => {
  if (m.type === 'looked') {
    if (current?.id === m.id) current.looked.get(m.seq)?.(m.address);
    return;
  }
  void evaluate(m.id, m.type === 'route' ? { url: m.url, host: m.host } : null, m.timeoutMs);
});
send({ type: 'ready' });

/** Compiles the file in a fresh engine and, for a route, calls FindProxyForURL. */
async function evaluate(id: number, ask: { url: string; host: string } | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let vm: QuickJS | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<Verdict>((resolve) => {
    current = { id, finish: resolve, looked: new Map() };
    // A promise that never settles runs no JS, so the interrupt cannot end it.
    timer = setTimeout(() => resolve({ ok: false, stop: 'time', message: 'interrupted' }), timeoutMs);
  });
  const run = (async (): Promise<Verdict> => {
    try {
      vm = await QuickJS.create({ wasm: setup.engine as never, memoryLimit: MEMORY_LIMIT, interruptHandler: () => interrupt(deadline, timeoutMs) });
      const find = createPacResolver(vm as never, setup.text, { sandbox: sandbox(id), filename: 'proxy.pac' }) as (
        url: string,
        host: string,
      ) => Promise<unknown>;
      if (!ask) return { ok: true, route: null };
      return { ok: true, route: parsePacResult(await find(ask.url, ask.host)) };
    } catch (err) {
      return failure(err);
    }
  })();
  const verdict = await Promise.race([run, ended]);
  clearTimeout(timer);
  current = null;
  try {
    vm?.dispose();
  } catch {
    // an engine stopped mid-way may not dispose cleanly; it is dropped either way
  }
  send({ type: 'done', id, verdict });
}

const nap = new Int32Array(new SharedArrayBuffer(4));
let napped = 0;

/**
 * Stops the engine at the deadline. Before that, a file that keeps the CPU busy past
 * the time a PAC needs sleeps half of the time: on a small machine its spinning would
 * otherwise slow the start of the workers the other hosts wait for.
 */
function interrupt(deadline: number, timeoutMs: number): boolean {
  const now = Date.now();
  if (now > deadline) return true;
  if (now > deadline - timeoutMs + BUSY_MS && now - napped >= NAP_MS) {
    Atomics.wait(nap, 0, 0, NAP_MS);
    napped = Date.now();
  }
  return false;
}

function failure(err: unknown): Verdict {
  const message = oneLine(err instanceof Error ? err.message : String(err));
  return { ok: false, stop: stopOf(message), message };
}

function stopOf(message: string): Stop {
  if (/\binterrupted\b/.test(message)) return 'time';
  if (/\bout of memory\b/.test(message)) return 'memory';
  return 'error';
}

/** The PAC functions that reach outside: DNS through the router (it owns the site's resolver). */
function sandbox(id: number) {
  const asked = new Map<string, Promise<string | null>>();
  let seq = 0;
  const firstV4 = (host: unknown): Promise<string | null> => {
    const name = String(host).toLowerCase();
    if (ipaddr.IPv4.isValidFourPartDecimal(name)) return Promise.resolve(name);
    let p = asked.get(name);
    if (p) return p;
    if (asked.size >= LOOKUPS_PER_EVALUATION) return Promise.resolve(null);
    p = new Promise<string | null>((resolve) => {
      const n = ++seq;
      current?.looked.set(n, resolve);
      send({ type: 'lookup', id, seq: n, name });
    });
    asked.set(name, p);
    return p;
  };
  return {
    alert: () => {},
    dnsResolve: async (host: unknown) => firstV4(host),
    isResolvable: async (host: unknown) => (await firstV4(host)) !== null,
    isInNet: async (host: unknown, pattern: unknown, mask: unknown) => {
      const address = await firstV4(host);
      return address !== null && inNet(address, pattern, mask);
    },
    myIpAddress: () => setup.myIp,
  };
}

/** isInNet(): an IPv4 address against a pattern and a dotted mask. */
function inNet(address: string, pattern: unknown, mask: unknown): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(String(pattern)) || !ipaddr.IPv4.isValidFourPartDecimal(String(mask))) return false;
  const a = ipaddr.IPv4.parse(address).toByteArray();
  const p = ipaddr.IPv4.parse(String(pattern)).toByteArray();
  const m = ipaddr.IPv4.parse(String(mask)).toByteArray();
  return a.every((byte, i) => (byte & (m[i] ?? 0)) === ((p[i] ?? 0) & (m[i] ?? 0)));
}
