// The end: what was written and how to apply it, and the answers saved as a site profile.
// Pure; the app saves when the prompt's phase says so. An existing file other than the
// profile the app was started with is replaced only after the user says so.
import { type Move, moveCursor } from './cursor.js';
import { type SavePrompt, type SavePromptAction, savePrompt, savePromptReducer } from './save-prompt.js';

const DEFAULT_PROFILE = 'emaint-site.json';

export interface Written {
  dir: string;
  files: { path: string; apply: string }[];
  warnings: string[];
}

export interface DoneStep {
  written: Written | null;
  /** The profile prompt: its phase 'saved' or 'quit' ends the app. */
  save: SavePrompt;
  scroll: number;
}

export type DoneAction = SavePromptAction | { type: 'scroll'; move: Move; lines: number };

export function doneStep(written: Written | null, profile: string | null): DoneStep {
  // An empty path is the way out without a profile.
  return { written, save: savePrompt(profile ?? DEFAULT_PROFILE, 'quit'), scroll: 0 };
}

export function doneReducer(state: DoneStep, action: DoneAction): DoneStep {
  if (action.type === 'scroll') return { ...state, scroll: moveCursor(state.scroll, action.lines, action.move) };
  return { ...state, save: savePromptReducer(state.save, action) };
}
