// The PAC workers: threads that can be killed. Each runs one evaluation at a time with
// its own deadline; one that overruns it is terminated and replaced, so a hostile file
// costs the host it hangs on and nothing else. The pool starts small (a normal PAC
// answers in milliseconds) and grows only while every worker is stuck, up to a few. Each
// question has the timeout from the moment it is asked, waiting included: a file that
// hangs on every host keeps the few workers stuck, and the questions behind them end at
// their own deadline, so the run still ends in about one timeout, with bounded memory.
// Its DNS questions come here: the main thread owns the site's resolver.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import pLimit from 'p-limit';
import { type FromWorker, LOOKUPS_PER_EVALUATION, type ToWorker, type Verdict, type WorkerSetup } from './pac-engine.js';

/** Workers kept at hand: a normal file keeps this many busy at most. */
const BASE_WORKERS = Math.min(4, Math.max(2, availableParallelism()));
/** The most workers at once. Each may hold up to ~100 MB (QuickJS's 72 MiB cap and its V8
 *  heap); more would not end a hostile file sooner, since every question has one timeout
 *  from when it is asked, and 2 cores busy-looping 22 workers start them late. */
export const MAX_WORKERS = 8;
/** A worker busy this long is presumed stuck: the next question gets a new worker. */
const STUCK_MS = 100;
/** How long past its deadline a worker may take to report before it is killed. */
const GRACE_MS = 250;
/** PAC lookups in flight at once, all evaluations together: the check's own lookups come first. */
export const PAC_LOOKUPS_IN_FLIGHT = 4;
/** V8 heap of a worker: the file's parse and the answers; QuickJS's memory is capped apart. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };

/** A question for the sandbox; `timeoutMs`, when given, replaces the setup's (the load's own limit). */
export type Job = ({ type: 'load' } | { type: 'route'; url: string; host: string }) & { timeoutMs?: number };
export type Lookup = (name: string) => Promise<string | null>;

interface Running {
  id: number;
  since: number;
  names: Set<string>;
  timer: NodeJS.Timeout;
  done(v: Verdict): void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  job: Running | null;
}

interface Queued {
  job: Job;
  /** When it was asked: its deadline is this plus `ms`, waiting included. */
  at: number;
  ms: number;
  done(v: Verdict): void;
}

export class PacPool {
  private readonly threads = new Set<Thread>();
  private readonly queue: Queued[] = [];
  private readonly lookups = pLimit(PAC_LOOKUPS_IN_FLIGHT);
  private nextId = 1;
  private wake: NodeJS.Timeout | undefined;

  constructor(
    /** The worker's module, or its code as one script (the single executable). */
    private readonly entry: URL | { code: string },
    private readonly setup: WorkerSetup,
    private readonly lookup: Lookup,
  ) {}

  run(job: Job): Promise<Verdict> {
    return new Promise((done) => {
      this.queue.push({ job, at: Date.now(), ms: job.timeoutMs ?? this.setup.timeoutMs, done });
      this.pump();
    });
  }

  /** Stops every worker; questions still running end as errors. Later questions start new workers. */
  async close(): Promise<void> {
    clearTimeout(this.wake);
    const threads = [...this.threads];
    for (const t of threads) this.drop(t, { ok: false, stop: 'error', message: 'the PAC sandbox was shut down' });
    for (const q of this.queue.splice(0)) q.done({ ok: false, stop: 'error', message: 'the PAC sandbox was shut down' });
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** Workers for the queue: idle ones first, then new ones while the others are stuck. */
  private pump(): void {
    // Questions whose whole time went by in the queue (every worker stuck) end now.
    const now0 = Date.now();
    for (const q of this.queue.filter((x) => now0 >= x.at + x.ms)) {
      this.queue.splice(this.queue.indexOf(q), 1);
      q.done({ ok: false, stop: 'time', message: 'interrupted' });
    }
    for (const t of this.threads) {
      if (this.queue.length === 0) break;
      if (t.ready && !t.job) this.dispatch(t, this.queue.shift() as Queued);
    }
    clearTimeout(this.wake);
    if (this.queue.length === 0) return;
    const now = Date.now();
    const all = [...this.threads];
    const starting = all.filter((t) => !t.ready).length;
    const moving = all.filter((t) => !t.ready || (t.job && now - t.job.since < STUCK_MS));
    const wanted = this.queue.length - starting;
    const room = MAX_WORKERS - all.length;
    const spawn = all.length < BASE_WORKERS ? Math.min(wanted, BASE_WORKERS - all.length) : moving.length === 0 ? Math.min(wanted, room) : 0;
    for (let i = 0; i < spawn; i++) {
      const refused = this.spawn();
      if (refused === null) continue;
      // This machine starts no more threads: the workers there are take the queue; with none
      // at all, nothing ever would, so every question waiting gets this machine's error.
      if (this.threads.size === 0) for (const q of this.queue.splice(0)) q.done({ ok: false, stop: 'local', message: refused });
      break;
    }
    if (this.queue.length === 0) return;
    // Look again when the busy workers would count as stuck, or a waiting question's time is up.
    const next = Math.min(
      ...all.flatMap((t) => (t.job && now - t.job.since < STUCK_MS ? [t.job.since + STUCK_MS - now] : [])),
      ...this.queue.map((q) => q.at + q.ms - now),
    );
    if (Number.isFinite(next)) this.wake = setTimeout(() => this.pump(), Math.max(0, next) + 1);
  }

  /** Starts a worker; null, or the error code when this machine will not start a thread. */
  private spawn(): string | null {
    const options = { workerData: this.setup, resourceLimits: RESOURCE_LIMITS, stdout: true, stderr: true };
    let worker: Worker;
    try {
      worker = this.entry instanceof URL ? new Worker(this.entry, options) : new Worker(this.entry.code, { ...options, eval: true });
    } catch (err) {
      // A limit on threads or processes (ulimit -u, TasksMax, a container's pids.max): Node
      // throws here, at once, and from a timer that would end the process.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INIT_FAILED') throw err;
      return /\bE[A-Z]+\b/.exec((err as Error).message)?.[0] ?? 'ERR_WORKER_INIT_FAILED';
    }
    // The file's output (none is expected) goes nowhere, never into the report.
    worker.stdout.resume();
    worker.stderr.resume();
    const t: Thread = { worker, ready: false, job: null };
    this.threads.add(t);
    worker.on('message', (m: FromWorker) => this.receive(t, m));
    worker.on('error', (err: Error & { code?: string }) => {
      const stop = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'error';
      const verdict: Verdict = { ok: false, stop, message: stop === 'memory' ? 'out of memory' : `the PAC sandbox stopped: ${err.message}` };
      // A worker that cannot even start would be replaced forever: the oldest question takes the failure.
      if (!t.ready && !t.job) this.queue.shift()?.done(verdict);
      this.drop(t, verdict);
    });
    worker.on('exit', () => this.drop(t, { ok: false, stop: 'error', message: 'the PAC sandbox stopped' }));
    return null;
  }

  private receive(t: Thread, m: FromWorker): void {
    if (!this.threads.has(t)) return;
    if (m.type === 'ready') {
      t.ready = true;
      t.worker.unref();
    } else if (m.type === 'done') {
      if (t.job?.id !== m.id) return;
      this.finish(t, m.verdict);
    } else {
      this.answerLookup(t, m.id, m.seq, m.name);
      return;
    }
    this.pump();
  }

  private dispatch(t: Thread, q: Queued): void {
    const id = this.nextId++;
    // The worker stops itself at the deadline; this is for one that cannot (a thread
    // stuck in the engine's native code): it is killed, and replaced when needed.
    const timer = setTimeout(
      () => {
        this.drop(t, { ok: false, stop: 'time', message: 'interrupted' });
        void t.worker.terminate();
        this.pump();
      },
      Math.max(0, q.at + q.ms - Date.now()) + GRACE_MS,
    );
    t.job = { id, since: Date.now(), names: new Set(), timer, done: q.done };
    t.worker.ref();
    // The worker's own deadline: what is left of the question's time once it starts.
    const timeoutMs = Math.max(1, q.at + q.ms - Date.now());
    const m: ToWorker = q.job.type === 'load' ? { type: 'load', id, timeoutMs } : { type: 'route', id, url: q.job.url, host: q.job.host, timeoutMs };
    t.worker.postMessage(m);
  }

  private finish(t: Thread, verdict: Verdict): void {
    const job = t.job;
    if (!job) return;
    clearTimeout(job.timer);
    t.job = null;
    t.worker.unref();
    job.done(verdict);
  }

  /** Forgets a worker (its question gets `verdict`); the caller terminates it if it still runs. */
  private drop(t: Thread, verdict: Verdict): void {
    if (!this.threads.delete(t)) return;
    this.finish(t, verdict);
    t.worker.removeAllListeners('message');
    t.worker.on('error', () => {});
    if (this.queue.length > 0) setImmediate(() => this.pump());
  }

  /** A bounded number of distinct names per evaluation, a few in flight at once across all. */
  private answerLookup(t: Thread, id: number, seq: number, name: string): void {
    const job = t.job;
    if (job?.id !== id) return;
    const live = () => t.job === job && this.threads.has(t);
    const reply = (address: string | null) => {
      if (live()) t.worker.postMessage({ type: 'looked', id, seq, address } satisfies ToWorker);
    };
    if (!job.names.has(name) && job.names.size >= LOOKUPS_PER_EVALUATION) {
      reply(null);
      return;
    }
    job.names.add(name);
    void this.lookups(async () => (live() ? this.lookup(name) : null)).then(reply, () => reply(null));
  }
}
