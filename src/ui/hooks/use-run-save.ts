// Saves the check's run when its prompt asks for it: an earlier run at the path is replaced
// once the user confirms, any other file never is.
import { type Dispatch, useEffect } from 'react';
import { InputError } from '../../core/errors.js';
import { escapeUnsafe, oneLine } from '../../core/text.js';
import type { AppServices } from '../services.js';
import type { SavePromptAction } from '../state/save-prompt.js';
import { type WizardAction, type WizardState, answersOf } from '../state/wizard.js';

export function useRunSave(state: WizardState, dispatch: Dispatch<WizardAction>, services: AppServices): void {
  const phase = state.check.save?.phase;
  const force = state.check.save?.force;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a side effect of entering the saving phase, run once per entry; it reads the state of that moment
  useEffect(() => {
    const save = state.check.save;
    if (save?.phase !== 'saving') return;
    const tell = (action: SavePromptAction) => dispatch({ type: 'check', action: { type: 'save', action } });
    const path = save.path.value.trim();
    try {
      const answers = answersOf(state);
      const { output, ran } = state.check;
      if (!answers || !output || !state.plan) throw new InputError('there is no finished check to save');
      const found = services.runFileState(path);
      if (found === 'other') throw new InputError(`${escapeUnsafe(path)} exists and is not a saved run; give a new file name`);
      if (found === 'run' && !save.force) {
        tell({ type: 'exists' });
        return;
      }
      const saved = services.saveRun(path, {
        output,
        flows: state.plan.flows,
        answers,
        profilePath: state.loadedProfile,
        proxy: state.values?.proxy ?? null,
        startedAt: new Date(ran?.startedAt ?? services.now().toISOString()),
        seconds: ran?.seconds ?? 0,
      });
      tell({ type: 'saved', path: saved });
    } catch (err) {
      const message = err instanceof InputError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      tell({ type: 'failed', message: oneLine(message, 400) });
    }
  }, [phase, force]);
}
