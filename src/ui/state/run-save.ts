// The check step's prompt that saves the run (the same JSON as `check --save`): w opens it
// under the verdict, enter saves, esc closes it. What is the run's own: the file name, and
// an empty path refused in the prompt (esc is how to leave it).
import { type SavePrompt, savePrompt } from './save-prompt.js';

/** The prompt, with a file name from the run's start: emaint-run-20261121-1000.json (UTC). */
export function runSave(startedAt: string | null): SavePrompt {
  const stamp = startedAt === null ? '' : `-${startedAt.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}`;
  return savePrompt(`emaint-run${stamp}.json`, { error: 'give a file name for the run' });
}
