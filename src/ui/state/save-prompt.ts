// A prompt that saves one file at a typed path: the check step's run (w) and the end's site
// profile. Pure; the app saves when the phase says so and reports back exists, saved or
// failed. Which files need asking about is the app's call; force, the yes, comes only from
// an enter given while asked (confirm).
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

/** What enter on an empty path means, fixed when the prompt is made: the end step quits
 *  without saving; the check step refuses with the message. */
export type WhenEmpty = 'quit' | { error: string };

export interface SavePrompt {
  path: TextField;
  phase: 'ask' | 'saving' | 'confirm' | 'saved' | 'failed' | 'quit';
  /** The user confirmed replacing the file at this path. */
  force: boolean;
  savedTo: string | null;
  error: string | null;
  whenEmpty: WhenEmpty;
}

export type SavePromptAction =
  | { type: 'text'; action: TextAction }
  | { type: 'save' }
  | { type: 'exists' }
  | { type: 'saved'; path: string }
  | { type: 'failed'; message: string };

export function savePrompt(initialPath: string, whenEmpty: WhenEmpty): SavePrompt {
  return { path: textField(initialPath), phase: 'ask', force: false, savedTo: null, error: null, whenEmpty };
}

/** Whether the prompt takes the keys (typing, enter, esc): not while saving, nor once saved. */
export function promptOpen(save: SavePrompt | null): save is SavePrompt {
  return save !== null && (save.phase === 'ask' || save.phase === 'confirm' || save.phase === 'failed');
}

export function savePromptReducer(state: SavePrompt, action: SavePromptAction): SavePrompt {
  switch (action.type) {
    case 'text':
      // Another path: whatever was confirmed or refused was about the old one.
      return { ...state, path: textReducer(state.path, action.action), phase: 'ask', force: false, error: null };
    case 'save':
      if (state.path.value.trim() === '') {
        return state.whenEmpty === 'quit' ? { ...state, phase: 'quit' } : { ...state, phase: 'failed', error: state.whenEmpty.error };
      }
      // Enter while asked to confirm is the yes.
      return { ...state, phase: 'saving', force: state.phase === 'confirm', error: null };
    case 'exists':
      return { ...state, phase: 'confirm' };
    case 'saved':
      return { ...state, phase: 'saved', savedTo: action.path };
    case 'failed':
      return { ...state, phase: 'failed', error: action.message };
  }
}
