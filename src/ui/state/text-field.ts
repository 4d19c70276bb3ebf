// A one-line text field as a pure reducer: the value and the cursor within it.
// Typed or pasted control characters (escape sequences, newlines) never get in.
import { UNSAFE_CHARACTERS } from '../../core/text.js';

export interface TextField {
  value: string;
  /** Cursor position in code points, 0..length. */
  cursor: number;
}

export type TextAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'clear' };

/** Longer than any subnet list or path a site needs; bounds what a paste can do. */
export const MAX_FIELD = 1000;

/** What a field drops from typed or pasted text: the characters no free-text field holds. */
const CONTROL = new RegExp(UNSAFE_CHARACTERS.source, 'gu');

export function textField(value = ''): TextField {
  const clean = [...value.replace(CONTROL, '')].slice(0, MAX_FIELD);
  return { value: clean.join(''), cursor: clean.length };
}

export function textReducer(state: TextField, action: TextAction): TextField {
  const chars = [...state.value];
  switch (action.type) {
    case 'insert': {
      const add = [...action.text.replace(CONTROL, '')].slice(0, MAX_FIELD - chars.length);
      if (add.length === 0) return state;
      chars.splice(state.cursor, 0, ...add);
      return { value: chars.join(''), cursor: state.cursor + add.length };
    }
    case 'backspace':
      if (state.cursor === 0) return state;
      chars.splice(state.cursor - 1, 1);
      return { value: chars.join(''), cursor: state.cursor - 1 };
    case 'left':
      return { ...state, cursor: Math.max(0, state.cursor - 1) };
    case 'right':
      return { ...state, cursor: Math.min(chars.length, state.cursor + 1) };
    case 'home':
      return { ...state, cursor: 0 };
    case 'end':
      return { ...state, cursor: chars.length };
    case 'clear':
      return { value: '', cursor: 0 };
  }
}
