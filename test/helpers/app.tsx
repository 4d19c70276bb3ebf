// Drives the app with ink-testing-library: keys in, colour-stripped frames out, at a fixed
// terminal size (80x24 unless told).
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { expect } from 'vitest';
import type { AppServices } from '../../src/ui/services.js';
import type { Size } from '../../src/ui/state/keys.js';
import { type WizardStart, initialWizard } from '../../src/ui/state/wizard.js';
import { App, type Outcome } from '../../src/ui/views/App.js';
import { ThemeContext } from '../../src/ui/views/theme-context.js';
import { makeTheme } from '../../src/ui/theme.js';

export const KEY = {
  enter: '\r',
  space: ' ',
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  escape: '\u001b',
  tab: '\t',
  backspace: '\u007f',
  ctrlC: '\u0003',
  pageDown: '\u001b[6~',
} as const;

export interface Driven {
  /** The last frame, without colours. */
  frame(): string;
  /** Sends keys one at a time, letting the app draw after each. */
  press(...keys: string[]): Promise<void>;
  /** Types text into the focused field (one write: as a paste arrives). */
  type(text: string): Promise<void>;
  /** Waits until the frame contains the text (or matches), failing with the frame after `ms`. */
  waitFor(what: string | RegExp, ms?: number): Promise<string>;
  /** How the app ended, once it has. */
  outcome(): Outcome | null;
  /** Waits until the app has ended, and says how. */
  ended(ms?: number): Promise<Outcome>;
  unmount(): void;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

export function driveApp(services: AppServices, start: WizardStart, size: Size = { columns: 80, rows: 24 }, env: NodeJS.ProcessEnv = {}): Driven {
  let ended: Outcome | null = null;
  const r = render(
    <ThemeContext.Provider value={makeTheme(env)}>
      <App services={services} initial={initialWizard(start)} size={size} version="0.0.0-test" onExit={(o) => (ended = o)} />
    </ThemeContext.Provider>,
  );
  // Unmounting draws an empty frame last; the terminal keeps showing the one before it.
  const frame = () => r.frames.map((f) => stripVTControlCharacters(f)).findLast((f) => f.trim() !== '') ?? '';
  return {
    frame,
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k);
        await tick();
      }
    },
    async type(text) {
      r.stdin.write(text);
      await tick();
    },
    async waitFor(what, ms = 8000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const f = frame();
        if (typeof what === 'string' ? f.includes(what) : what.test(f)) return f;
        if (Date.now() > deadline) {
          expect.fail(`timed out waiting for ${String(what)}; the screen:\n${f}`);
        }
        await tick();
      }
    },
    outcome: () => ended,
    async ended(ms = 8000) {
      const deadline = Date.now() + ms;
      while (ended === null) {
        if (Date.now() > deadline) expect.fail(`the app did not end; the screen:\n${frame()}`);
        await tick();
      }
      return ended;
    },
    unmount: () => r.unmount(),
  };
}

/** Every line within the width, and no more lines than the terminal has. */
export function expectFits(frame: string, size: Size = { columns: 80, rows: 24 }): void {
  const lines = frame.split('\n');
  expect(lines.length, frame).toBeLessThanOrEqual(size.rows);
  for (const l of lines) expect([...l].length, `line too wide: ${l}`).toBeLessThanOrEqual(size.columns);
}
