// One probe per profile at a time. A scrape that comes while the profile's probe runs
// waits for that run and gets its result ("joined": two Prometheus servers of an HA pair
// share one probe); a scrape whose deadline passes first gets the last finished result
// ("last", its time in emaint_egress_probe_finished_timestamp_seconds), or nothing when
// there is none yet. A run is never cancelled: every phase has its timeout, so it ends.
// Memory per profile: the run under way and the last result, nothing more.
import type { CheckOutput } from '../../core/check/output.js';

export interface Finished {
  output: CheckOutput;
  durationSeconds: number;
  /** Unix time, seconds. */
  finishedAt: number;
  phaseTimeoutMs: number;
}

/** How a scrape was answered: its own run, a run already under way, or the last result. */
export const ANSWERS = ['fresh', 'joined', 'last', 'none'] as const;
export type AnswerKind = (typeof ANSWERS)[number];

export type Answer =
  | { kind: 'fresh' | 'joined' | 'last'; finished: Finished }
  /** overran: no run finished within the deadline and none ever had; failed: the run threw. */
  | { kind: 'none'; reason: 'overran' | 'failed' };

export interface SlotEvents {
  finished(profile: string, finished: Finished): void;
  failed(profile: string, error: unknown, phaseTimeoutMs: number): void;
  /** A run outlived the first scrape that waited for it (once per run). */
  overran(profile: string, phaseTimeoutMs: number): void;
}

type Outcome = { ok: true; finished: Finished } | { ok: false };

export class ProbeSlot {
  private running: { outcome: Promise<Outcome>; overran: boolean } | null = null;
  private last: Finished | null = null;

  constructor(
    readonly profile: string,
    private readonly runProbe: (phaseTimeoutMs: number) => Promise<CheckOutput>,
    private readonly events: SlotEvents,
  ) {}

  /** Starts a run with `phaseTimeoutMs` unless one is under way, and waits for it at most `waitMs`. */
  async answer(phaseTimeoutMs: number, waitMs: number): Promise<Answer> {
    const joined = this.running !== null;
    const run = this.running ?? this.start(phaseTimeoutMs);
    const outcome = await within(run.outcome, waitMs);
    if (outcome === 'late') {
      if (!run.overran) {
        run.overran = true;
        this.events.overran(this.profile, phaseTimeoutMs);
      }
      return this.last ? { kind: 'last', finished: this.last } : { kind: 'none', reason: 'overran' };
    }
    if (!outcome.ok) return { kind: 'none', reason: 'failed' };
    return { kind: joined ? 'joined' : 'fresh', finished: outcome.finished };
  }

  /** Resolves when no run is under way (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.running?.outcome;
  }

  private start(phaseTimeoutMs: number): { outcome: Promise<Outcome>; overran: boolean } {
    const started = performance.now();
    const run = {
      overran: false,
      outcome: Promise.resolve<void>(undefined)
        .then(() => this.runProbe(phaseTimeoutMs))
        .then(
          (output): Outcome => {
            this.running = null;
            const finished: Finished = { output, durationSeconds: (performance.now() - started) / 1000, finishedAt: Date.now() / 1000, phaseTimeoutMs };
            this.last = finished;
            this.events.finished(this.profile, finished);
            return { ok: true, finished };
          },
          (error: unknown): Outcome => {
            this.running = null;
            this.events.failed(this.profile, error, phaseTimeoutMs);
            return { ok: false };
          },
        ),
    };
    this.running = run;
    return run;
  }
}

/** The promise's value, or 'late' when `ms` pass first. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
