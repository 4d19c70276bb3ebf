// Keys to actions, per step: pure, so the whole keyboard map is tested without a
// terminal. The hook (use-wizard-keys.ts) only feeds ink's key events through this.
import type { Move } from './cursor.js';
import {
  checkLines,
  doneWindowRows,
  flowDetailLines,
  flowDetailRows,
  resultWindowRows,
  SAVE_ROWS,
  scrollPositions,
  wildcardLines,
  wildcardWindowRows,
  writtenLines,
} from '../text-layout.js';
import { wildcardRules } from './plan-step.js';
import { promptOpen } from './save-prompt.js';
import { focusedField, isChoice } from './site.js';
import { focusedSetting } from './target-choice.js';
import type { TextAction } from './text-field.js';
import type { WizardAction, WizardState } from './wizard.js';

/** The parts of ink's Key this map reads (ink's Key type fits it). */
export interface KeyPress {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

/** Keys for the app itself rather than the step: the hook (use-wizard-keys.ts) performs them. */
export type AppKey = { type: 'quit' } | { type: 'suspend' };

export type KeyResult = WizardAction | AppKey | null;

export interface Size {
  columns: number;
  rows: number;
}

/**
 * Ctrl-C quits and Ctrl-Z suspends from anywhere, even from inside a text field. In raw mode
 * the terminal sends them as the bytes \x03 and \x1a instead of SIGINT and SIGTSTP.
 */
export function appKey(input: string, key: KeyPress): AppKey | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (key.ctrl && input === 'z') return { type: 'suspend' };
  return null;
}

export function keyAction(state: WizardState, input: string, key: KeyPress, size: Size): KeyResult {
  const app = appKey(input, key);
  if (app) return app;
  // The run-save prompt takes the keys while it is open: enter saves, esc closes it.
  if (state.step === 'check' && promptOpen(state.check.save)) {
    if (key.escape) return { type: 'check', action: { type: 'save-close' } };
    if (key.return) return { type: 'check', action: { type: 'save', action: { type: 'save' } } };
    const edit = textAction(input, key);
    return edit ? { type: 'check', action: { type: 'save', action: { type: 'text', action: edit } } } : null;
  }
  if (key.escape) return { type: 'back' };
  if (key.return) return { type: 'next' };
  const move = moveOf(key);
  switch (state.step) {
    case 'agents':
      if (move) return { type: 'agents', action: { type: 'move', move } };
      if (input === ' ') return { type: 'agents', action: { type: 'toggle' } };
      if (input === 'a') return { type: 'agents', action: { type: 'all' } };
      return null;
    case 'site': {
      if (key.tab) return { type: 'site', action: { type: 'focus', delta: key.shift ? -1 : 1 } };
      if (key.upArrow || key.downArrow) return { type: 'site', action: { type: 'focus', delta: key.upArrow ? -1 : 1 } };
      if (isChoice(focusedField(state.site).id)) {
        if (key.leftArrow || key.rightArrow || input === ' ') return { type: 'site', action: { type: 'choose', delta: key.leftArrow ? -1 : 1 } };
        return null;
      }
      const text = textAction(input, key);
      return text ? { type: 'site', action: { type: 'text', action: text } } : null;
    }
    case 'plan': {
      const rules = wildcardRules(state.catalogue, state.plan, state.values);
      if (key.tab && rules) return { type: 'plan', action: { type: 'pane' } };
      if (!move) return null;
      if (state.planStep.pane === 'wildcards' && rules) {
        const lines = wildcardLines(rules, size.columns).length;
        return { type: 'plan', action: { type: 'scroll', move, lines: scrollPositions(lines, wildcardWindowRows(size.rows)) } };
      }
      return { type: 'plan', action: { type: 'move', move, count: state.plan?.flows.length ?? 0 } };
    }
    case 'check': {
      const { phase, output } = state.check;
      if (phase === 'running') return null;
      if (input === 's') return { type: 'skip' };
      if (input === 'r' && phase !== 'ready') return { type: 'rerun' };
      if (input === 'w' && phase === 'done') return { type: 'check', action: { type: 'save-open' } };
      const less = state.check.save ? SAVE_ROWS : 0;
      if (key.tab && output) return { type: 'check', action: { type: 'pane' } };
      if (move && output && state.check.pane === 'flow') {
        // ↑↓ pick the flow; PgUp/PgDn scroll its detail.
        const count = output.results.length;
        if (move !== 'pageup' && move !== 'pagedown') return { type: 'check', action: { type: 'select', move, count } };
        const lines = flowDetailLines(output, state.check.flow, size.columns).length;
        return { type: 'check', action: { type: 'detail', move, lines: scrollPositions(lines, flowDetailRows(size.rows, count, less)) } };
      }
      if (move && output) {
        const lines = checkLines(output, size.columns).length;
        return { type: 'check', action: { type: 'scroll', move, lines: scrollPositions(lines, resultWindowRows(size.rows, less)) } };
      }
      return null;
    }
    case 'rules': {
      if (state.rules.phase === 'confirm' || state.rules.phase === 'writing') return null;
      if (key.tab) return { type: 'rules', action: { type: 'focus', delta: key.shift ? -1 : 1 } };
      if (state.rules.focus === 'targets') {
        if (move) return { type: 'rules', action: { type: 'move', move } };
        if (input === ' ') return { type: 'rules', action: { type: 'toggle' } };
        if (input === 'a') return { type: 'rules', action: { type: 'all' } };
        return null;
      }
      if (state.rules.focus === 'settings') {
        // ↑↓ PgUp/PgDn pick the setting; Home/End stay the text field's.
        if (move && move !== 'home' && move !== 'end') return { type: 'rules', action: { type: 'setting-move', move } };
        if (focusedSetting(state.rules)?.option.choices !== undefined) {
          if (key.leftArrow || key.rightArrow || input === ' ') return { type: 'rules', action: { type: 'setting-choose', delta: key.leftArrow ? -1 : 1 } };
          return null;
        }
        const edit = textAction(input, key);
        return edit ? { type: 'rules', action: { type: 'setting-text', action: edit } } : null;
      }
      const text = textAction(input, key);
      return text ? { type: 'rules', action: { type: 'text', action: text } } : null;
    }
    case 'done': {
      if (state.done.save.phase === 'saving' || state.done.save.phase === 'saved') return null;
      if (move && move !== 'home' && move !== 'end') {
        const lines = writtenLines(state.done.written, size.columns).length;
        return { type: 'done', action: { type: 'scroll', move, lines: scrollPositions(lines, doneWindowRows(size.rows)) } };
      }
      const text = textAction(input, key);
      return text ? { type: 'done', action: { type: 'text', action: text } } : null;
    }
  }
}

function moveOf(key: KeyPress): Move | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  return null;
}

/** Editing keys of a one-line field. Terminals send DEL for Backspace; ink calls it delete. */
function textAction(input: string, key: KeyPress): TextAction | null {
  if (key.backspace || key.delete) return { type: 'backspace' };
  if (key.leftArrow) return { type: 'left' };
  if (key.rightArrow) return { type: 'right' };
  if (key.home || (key.ctrl && input === 'a')) return { type: 'home' };
  if (key.end || (key.ctrl && input === 'e')) return { type: 'end' };
  if (key.ctrl && input === 'u') return { type: 'clear' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || input === '') return null;
  return { type: 'insert', text: input };
}

/** A key press with nothing held: what a plain character arrives as. */
export const NO_KEY: KeyPress = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
};

/**
 * ink hands over keys that arrive together (fast typing, tmux send-keys, a paste) as one
 * string. Read them one by one, as typed: " \r" is Space, then Enter, never the text " \r".
 */
export function splitKeys(input: string, key: KeyPress): { input: string; key: KeyPress }[] {
  const chars = [...input];
  if (chars.length <= 1) return [{ input, key }];
  return chars.map((c) => {
    if (c === '\r' || c === '\n') return { input: '', key: { ...NO_KEY, return: true } };
    if (c === '\t') return { input: '', key: { ...NO_KEY, tab: true } };
    if (c === '\x7f' || c === '\b') return { input: '', key: { ...NO_KEY, delete: true } };
    // Ctrl-A .. Ctrl-Z (Ctrl-C, Ctrl-U among them) as ink reports a lone one.
    const code = c.charCodeAt(0);
    if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ...NO_KEY, ctrl: true } };
    return { input: c, key: { ...key, return: false, tab: false } };
  });
}
