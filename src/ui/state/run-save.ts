// Saving the check's run (the same JSON as `check --save`), from the check step: w opens a
// path prompt under the verdict, enter saves, esc closes it. Pure; the app saves when the phase
// says so. A saved run may be replaced once the user confirms; anything else never is.
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

export interface RunSave {
  path: TextField;
  phase: 'ask' | 'saving' | 'confirm' | 'saved' | 'failed';
  /** The user confirmed replacing an earlier run at this path. */
  force: boolean;
  savedTo: string | null;
  error: string | null;
}

export type RunSaveAction =
  | { type: 'text'; action: TextAction }
  | { type: 'save' }
  | { type: 'exists' }
  | { type: 'saved'; path: string }
  | { type: 'failed'; message: string };

/** The prompt, with a file name from the run's start: emaint-run-20261121-1000.json (UTC). */
export function runSave(startedAt: string | null): RunSave {
  const stamp = startedAt === null ? '' : `-${startedAt.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}`;
  return { path: textField(`emaint-run${stamp}.json`), phase: 'ask', force: false, savedTo: null, error: null };
}

/** Whether the prompt takes the keys (typing, enter, esc): not while saving, nor once saved. */
export function promptOpen(save: RunSave | null): save is RunSave {
  return save !== null && (save.phase === 'ask' || save.phase === 'confirm' || save.phase === 'failed');
}

export function runSaveReducer(state: RunSave, action: RunSaveAction): RunSave {
  switch (action.type) {
    case 'text':
      return { ...state, path: textReducer(state.path, action.action), phase: 'ask', force: false, error: null };
    case 'save':
      if (state.path.value.trim() === '') return { ...state, phase: 'failed', error: 'give a file name for the run' };
      return { ...state, phase: 'saving', force: state.phase === 'confirm', error: null };
    case 'exists':
      return { ...state, phase: 'confirm' };
    case 'saved':
      return { ...state, phase: 'saved', savedTo: action.path };
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
  }
}
