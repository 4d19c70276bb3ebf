// Step 5, the rules: which targets, their settings, which folder; then writing them. Pure:
// the app does the writing when the phase says so and reports back. Files that exist are
// replaced only after the user says so.
import type { TargetSettings } from '../../core/render/options.js';
import { TARGETS, type TargetId } from '../../core/render/target.js';
import { type Move, moveCursor } from './cursor.js';
import { type SettingFields, type SettingRow, chooseSetting, editSetting, settingError, settingFields, settingRows, settingText } from './target-settings.js';
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

const DEFAULT_OUT = 'emaint-egress-rules';

export interface RulesStep {
  cursor: number;
  targets: TargetId[];
  out: TextField;
  /** tab goes round: targets, their settings (when any), the folder. */
  focus: 'targets' | 'settings' | 'out';
  /** Every target's settings as typed ('' the default); the chosen ones are shown. */
  settings: SettingFields;
  /** The setting under the cursor, in settingRows order. */
  setting: number;
  phase: 'choose' | 'writing' | 'confirm' | 'failed';
  /** Replace existing files (the user confirmed). */
  force: boolean;
  /** The files in the way, while asking. */
  existing: string[];
  error: string | null;
}

export type RulesAction =
  | { type: 'move'; move: Move }
  | { type: 'toggle' }
  /** Every target, or none when every one is chosen already. */
  | { type: 'all' }
  | { type: 'focus'; delta: 1 | -1 }
  | { type: 'text'; action: TextAction }
  | { type: 'setting-move'; move: Move }
  | { type: 'setting-text'; action: TextAction }
  /** A choice setting: the next or previous value. */
  | { type: 'setting-choose'; delta: 1 | -1 }
  | { type: 'write' }
  | { type: 'cancel' }
  | { type: 'exists'; paths: string[] }
  | { type: 'failed'; message: string };

export function rulesStep(targets: readonly TargetId[], out: string | null, settings: TargetSettings = {}): RulesStep {
  return {
    cursor: 0,
    targets: [...targets],
    out: textField(out ?? DEFAULT_OUT),
    focus: 'targets',
    settings: settingFields(settings),
    setting: 0,
    phase: 'choose',
    force: false,
    existing: [],
    error: null,
  };
}

const FOCUS_ORDER: readonly RulesStep['focus'][] = ['targets', 'settings', 'out'];

/** The settings cursor kept on a row that is still shown. */
function clampSetting(state: RulesStep): RulesStep {
  const rows = settingRows(state.targets).length;
  const setting = Math.max(0, Math.min(state.setting, rows - 1));
  const focus = state.focus === 'settings' && rows === 0 ? 'targets' : state.focus;
  return { ...state, setting, focus };
}

/** The setting under the cursor, when the settings have the focus. */
export function focusedSetting(state: RulesStep): SettingRow | undefined {
  return state.focus === 'settings' ? settingRows(state.targets)[state.setting] : undefined;
}

/** The first chosen setting whose text does not parse, or -1. */
function firstBadSetting(state: RulesStep): number {
  return settingRows(state.targets).findIndex((r) => settingError(r.option, settingText(state.settings, r).value) !== null);
}

export function rulesReducer(state: RulesStep, action: RulesAction): RulesStep {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: moveCursor(state.cursor, TARGETS.length, action.move) };
    case 'toggle': {
      const t = TARGETS[state.cursor];
      if (t === undefined) return state;
      const chosen = state.targets.includes(t) ? state.targets.filter((x) => x !== t) : [...state.targets, t];
      return clampSetting({ ...state, targets: TARGETS.filter((x) => chosen.includes(x)), error: null });
    }
    case 'all': {
      const every = TARGETS.every((t) => state.targets.includes(t));
      return clampSetting({ ...state, targets: every ? [] : [...TARGETS], error: null });
    }
    case 'focus': {
      // Round the three parts, past the settings when no chosen target has any.
      const order = settingRows(state.targets).length > 0 ? FOCUS_ORDER : FOCUS_ORDER.filter((f) => f !== 'settings');
      const at = order.indexOf(state.focus);
      return { ...state, focus: order[(at + action.delta + order.length) % order.length] ?? 'targets' };
    }
    case 'text':
      return { ...state, out: textReducer(state.out, action.action), error: null, phase: 'choose' };
    case 'setting-move':
      return { ...state, setting: moveCursor(state.setting, settingRows(state.targets).length, action.move) };
    case 'setting-text':
    case 'setting-choose': {
      const row = settingRows(state.targets)[state.setting];
      if (row === undefined || state.focus !== 'settings') return state;
      const isChoice = row.option.choices !== undefined;
      if (action.type === 'setting-text' && isChoice) return state;
      if (action.type === 'setting-choose' && !isChoice) return state;
      const settings = action.type === 'setting-text' ? editSetting(state.settings, row, action.action) : chooseSetting(state.settings, row, action.delta);
      return { ...state, settings, error: null, phase: 'choose' };
    }
    case 'write': {
      const bad = firstBadSetting(state);
      if (bad >= 0) return { ...state, focus: 'settings', setting: bad, error: 'fix the marked setting first' };
      if (state.out.value.trim() === '') return { ...state, focus: 'out', error: 'give the folder to write the rules to' };
      // Enter while asking is the user's yes.
      return { ...state, phase: 'writing', force: state.phase === 'confirm', error: null };
    }
    case 'cancel':
      return { ...state, phase: 'choose', force: false, existing: [] };
    case 'exists':
      return { ...state, phase: 'confirm', existing: action.paths };
    case 'failed':
      return { ...state, phase: 'failed', force: false, error: action.message };
  }
}
