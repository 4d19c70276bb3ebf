// The end: what was written and how to apply it, and the answers saved as a site profile.
// Pure; the app saves when the phase says so. An existing file other than the profile the
// app was started with is replaced only after the user says so.
import { type Move, moveCursor } from './cursor.js';
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

const DEFAULT_PROFILE = 'emaint-site.json';

export interface Written {
  dir: string;
  files: { path: string; apply: string }[];
  warnings: string[];
}

export interface DoneStep {
  written: Written | null;
  profile: TextField;
  phase: 'ask' | 'saving' | 'confirm' | 'saved' | 'failed' | 'quit';
  force: boolean;
  savedTo: string | null;
  error: string | null;
  scroll: number;
}

export type DoneAction =
  | { type: 'text'; action: TextAction }
  | { type: 'save' }
  | { type: 'exists' }
  | { type: 'saved'; path: string }
  | { type: 'failed'; message: string }
  | { type: 'scroll'; move: Move; lines: number };

export function doneStep(written: Written | null, profile: string | null): DoneStep {
  return { written, profile: textField(profile ?? DEFAULT_PROFILE), phase: 'ask', force: false, savedTo: null, error: null, scroll: 0 };
}

export function doneReducer(state: DoneStep, action: DoneAction): DoneStep {
  switch (action.type) {
    case 'text':
      return { ...state, profile: textReducer(state.profile, action.action), phase: 'ask', force: false, error: null };
    case 'save':
      // An empty path: quit without saving.
      if (state.profile.value.trim() === '') return { ...state, phase: 'quit' };
      return { ...state, phase: 'saving', force: state.phase === 'confirm', error: null };
    case 'exists':
      return { ...state, phase: 'confirm' };
    case 'saved':
      return { ...state, phase: 'saved', savedTo: action.path };
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
    case 'scroll':
      return { ...state, scroll: moveCursor(state.scroll, action.lines, action.move) };
  }
}
