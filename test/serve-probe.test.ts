// The exporter's probe semantics without the network: each phase's timeout from the
// scrape's deadline (core/check/deadline.ts), and one probe per profile at a time
// (commands/serve/probe-slot.ts) with a stand-in for the check that the test controls.
import { describe, expect, it } from 'vitest';
import { type Answer, type Finished, ProbeSlot, type SlotEvents } from '../src/commands/serve/probe-slot.js';
import {
  DEFAULT_SCRAPE_TIMEOUT_MS,
  DeadlineError,
  MAX_SCRAPE_TIMEOUT_MS,
  SERIAL_PHASES,
  answerWithinMs,
  phaseTimeoutMs,
  scrapeTimeoutMs,
} from '../src/core/check/deadline.js';
import type { CheckOutput } from '../src/core/check/output.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';

const POLICY = { offsetMs: 500, maxPhaseMs: 5000, minPhaseMs: 100 };

describe('the deadline', () => {
  it('reads X-Prometheus-Scrape-Timeout-Seconds as Prometheus writes it; none means its default scrape_timeout', () => {
    expect(scrapeTimeoutMs('10')).toBe(10_000);
    expect(scrapeTimeoutMs('2.5')).toBe(2500);
    expect(scrapeTimeoutMs(' 0.75 ')).toBe(750);
    expect(scrapeTimeoutMs(undefined)).toBe(DEFAULT_SCRAPE_TIMEOUT_MS);
    expect(scrapeTimeoutMs('100000')).toBe(MAX_SCRAPE_TIMEOUT_MS);
  });

  it.each(['', '0', '-1', '1e3', 'ten', '10s', 'NaN', 'Infinity', '1,5'])('refuses %j', (text) => {
    expect(() => scrapeTimeoutMs(text)).toThrow(DeadlineError);
  });

  it('divides the deadline less the offset by the phases a flow can chain, at most the longest phase', () => {
    expect(SERIAL_PHASES).toEqual({ direct: 4, proxy: 5, pac: 6 });
    expect(phaseTimeoutMs(10_000, 'direct', POLICY)).toBe(2375);
    expect(phaseTimeoutMs(10_000, 'proxy', POLICY)).toBe(1900);
    expect(phaseTimeoutMs(10_000, 'pac', POLICY)).toBe(1583);
    expect(phaseTimeoutMs(60_000, 'direct', POLICY)).toBe(5000);
    // The worst chain of phases ends before the deadline less the offset.
    for (const route of ['direct', 'proxy', 'pac'] as const) {
      for (const scrape of [1200, 3000, 10_000, 15_000]) {
        expect(phaseTimeoutMs(scrape, route, POLICY) * SERIAL_PHASES[route]).toBeLessThanOrEqual(scrape - POLICY.offsetMs);
      }
    }
  });

  it('refuses a deadline that leaves less than the shortest phase, saying what would do', () => {
    expect(() => phaseTimeoutMs(800, 'direct', POLICY)).toThrow(
      'a scrape timeout of 0.8 s leaves less than 100 ms for each of the 4 phases a flow can chain (direct); give at least 0.9 s',
    );
    expect(phaseTimeoutMs(900, 'direct', POLICY)).toBe(100);
  });

  it('a scrape waits for its probe until the deadline less half the offset', () => {
    expect(answerWithinMs(10_000, 500)).toBe(9750);
    expect(answerWithinMs(10_000, 0)).toBe(10_000);
  });
});

/** A check the test finishes by hand: each call to the runner is one run. */
class Runs {
  readonly calls: number[] = [];
  private pending: ((o: CheckOutput) => void)[] = [];
  private failures: ((e: Error) => void)[] = [];
  readonly run = (phaseTimeoutMs: number) => {
    this.calls.push(phaseTimeoutMs);
    return new Promise<CheckOutput>((resolve, reject) => {
      this.pending.push(resolve);
      this.failures.push(reject);
    });
  };
  finish(hosts: string[] = ['rgt.srv.ygles.com']): void {
    const results = hosts.map((host) => checkResult({ host }));
    const out = checkOutput(results, { timeoutMs: 0, concurrency: 1 });
    this.failures.shift();
    this.pending.shift()?.(out);
  }
  fail(message: string): void {
    this.pending.shift();
    this.failures.shift()?.(new Error(message));
  }
}

function recorder(): SlotEvents & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    finished: (p, f) => log.push(`finished ${p} ${f.phaseTimeoutMs}`),
    failed: (p, e) => log.push(`failed ${p} ${(e as Error).message}`),
    overran: (p, t) => log.push(`overran ${p} ${t}`),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const finishedOf = (a: Answer): Finished => {
  if (a.kind === 'none') throw new Error(`no result: ${a.reason}`);
  return a.finished;
};

describe('one probe per profile at a time', () => {
  it('a scrape starts a run with its phase timeout and gets its result', async () => {
    const runs = new Runs();
    const events = recorder();
    const slot = new ProbeSlot('site', runs.run, events);
    const answer = slot.answer(2375, 5000);
    await tick();
    runs.finish(['a.example', 'b.example']);
    const a = await answer;
    expect(a.kind).toBe('fresh');
    expect(finishedOf(a).output.results.map((r) => r.host)).toEqual(['a.example', 'b.example']);
    expect(finishedOf(a).phaseTimeoutMs).toBe(2375);
    expect(runs.calls).toEqual([2375]);
    expect(events.log).toEqual(['finished site 2375']);
  });

  it('a second scrape during the run joins it: one run, the same result for both', async () => {
    const runs = new Runs();
    const slot = new ProbeSlot('site', runs.run, recorder());
    const first = slot.answer(2375, 5000);
    await tick();
    const second = slot.answer(1000, 5000);
    await tick();
    runs.finish();
    const [a, b] = await Promise.all([first, second]);
    expect([a.kind, b.kind]).toEqual(['fresh', 'joined']);
    expect(finishedOf(b)).toBe(finishedOf(a));
    expect(runs.calls).toEqual([2375]);
    // The next scrape after the run starts a new one.
    const third = slot.answer(500, 5000);
    await tick();
    runs.finish();
    expect((await third).kind).toBe('fresh');
    expect(runs.calls).toEqual([2375, 500]);
  });

  it('a scrape whose deadline passes first gets the last result, or nothing before the first; the run goes on and counts once as overran', async () => {
    const runs = new Runs();
    const events = recorder();
    const slot = new ProbeSlot('site', runs.run, events);
    expect(await slot.answer(300, 20)).toEqual({ kind: 'none', reason: 'overran' });
    // Still the same run: a second late scrape neither starts another nor counts again.
    expect(await slot.answer(300, 20)).toEqual({ kind: 'none', reason: 'overran' });
    expect(runs.calls).toEqual([300]);
    runs.finish(['first.example']);
    await slot.idle();
    const slow = slot.answer(300, 20);
    const late = await slow;
    expect(late.kind).toBe('last');
    expect(finishedOf(late).output.results[0]?.host).toBe('first.example');
    runs.finish(['second.example']);
    await slot.idle();
    const next = slot.answer(300, 1000);
    await tick();
    runs.finish(['third.example']);
    expect(finishedOf(await next).output.results[0]?.host).toBe('third.example');
    expect(events.log).toEqual(['overran site 300', 'finished site 300', 'overran site 300', 'finished site 300', 'finished site 300']);
  });

  it('a run that throws answers nothing (an internal error), and the next scrape starts afresh', async () => {
    const runs = new Runs();
    const events = recorder();
    const slot = new ProbeSlot('site', runs.run, events);
    const answer = slot.answer(300, 1000);
    await tick();
    runs.fail('boom');
    expect(await answer).toEqual({ kind: 'none', reason: 'failed' });
    const again = slot.answer(300, 1000);
    await tick();
    runs.finish();
    expect((await again).kind).toBe('fresh');
    expect(events.log).toEqual(['failed site boom', 'finished site 300']);
  });

  it('idle() waits for the run under way (a clean shutdown)', async () => {
    const runs = new Runs();
    const slot = new ProbeSlot('site', runs.run, recorder());
    void slot.answer(300, 10);
    let idle = false;
    const waiting = slot.idle().then(() => {
      idle = true;
    });
    await tick();
    expect(idle).toBe(false);
    runs.finish();
    await waiting;
    expect(idle).toBe(true);
  });
});
