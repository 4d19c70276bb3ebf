// Colours for the app's tones, or none at all: NO_COLOR (no-color.org) turns every colour
// off. Markers that carry meaning ([x], ›, ✗) never depend on colour.
import type { Tone } from './text-layout.js';

export interface Theme {
  /** The colour of a tone, or undefined for the terminal's own. */
  color(tone: Tone | 'accent'): string | undefined;
  /** Dim text (muted tones); off with NO_COLOR, where some terminals show it as a colour. */
  dim: boolean;
}

const COLOURS: Record<Tone | 'accent', string | undefined> = {
  plain: undefined,
  title: undefined,
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  muted: 'gray',
  accent: 'cyan',
};

export function makeTheme(env: NodeJS.ProcessEnv): Theme {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  return noColor ? { color: () => undefined, dim: false } : { color: (tone) => COLOURS[tone], dim: true };
}
