// Step 5, the rules: which targets, which folder; then writing them. Pure: the app does
// the writing when the phase says so and reports back. Files that exist are replaced
// only after the user says so.
import { TARGETS, type TargetId } from '../../core/render/target.js';
import { type Move, moveCursor } from './cursor.js';
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

const DEFAULT_OUT = 'emaint-egress-rules';

export interface RulesStep {
  cursor: number;
  targets: TargetId[];
  out: TextField;
  focus: 'targets' | 'out';
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
  | { type: 'focus' }
  | { type: 'text'; action: TextAction }
  | { type: 'write' }
  | { type: 'cancel' }
  | { type: 'exists'; paths: string[] }
  | { type: 'failed'; message: string };

export function rulesStep(targets: readonly TargetId[], out: string | null): RulesStep {
  return { cursor: 0, targets: [...targets], out: textField(out ?? DEFAULT_OUT), focus: 'targets', phase: 'choose', force: false, existing: [], error: null };
}

export function rulesReducer(state: RulesStep, action: RulesAction): RulesStep {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: moveCursor(state.cursor, TARGETS.length, action.move) };
    case 'toggle': {
      const t = TARGETS[state.cursor];
      if (t === undefined) return state;
      const chosen = state.targets.includes(t) ? state.targets.filter((x) => x !== t) : [...state.targets, t];
      return { ...state, targets: TARGETS.filter((x) => chosen.includes(x)), error: null };
    }
    case 'all': {
      const every = TARGETS.every((t) => state.targets.includes(t));
      return { ...state, targets: every ? [] : [...TARGETS], error: null };
    }
    case 'focus':
      return { ...state, focus: state.focus === 'targets' ? 'out' : 'targets' };
    case 'text':
      return { ...state, out: textReducer(state.out, action.action), error: null, phase: 'choose' };
    case 'write':
      if (state.out.value.trim() === '') return { ...state, focus: 'out', error: 'give the folder to write the rules to' };
      // Enter while asking is the user's yes.
      return { ...state, phase: 'writing', force: state.phase === 'confirm', error: null };
    case 'cancel':
      return { ...state, phase: 'choose', force: false, existing: [] };
    case 'exists':
      return { ...state, phase: 'confirm', existing: action.paths };
    case 'failed':
      return { ...state, phase: 'failed', force: false, error: action.message };
  }
}
