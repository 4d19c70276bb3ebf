// Saves the site profile when the end step asks for it. The profile the app was started
// with is saved over without asking; any other existing file only once the user confirms.
import { type Dispatch, useEffect } from 'react';
import { InputError } from '../../core/errors.js';
import { oneLine } from '../../core/text.js';
import type { AppServices } from '../services.js';
import { type WizardAction, type WizardState, answersOf } from '../state/wizard.js';

export function useProfileSave(state: WizardState, dispatch: Dispatch<WizardAction>, services: AppServices): void {
  const { phase, force } = state.done.save;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a side effect of entering the saving phase, run once per entry; it reads the state of that moment
  useEffect(() => {
    if (phase !== 'saving') return;
    const path = state.done.save.path.value.trim();
    const answers = answersOf(state);
    try {
      if (!answers) throw new InputError('the site details are not complete');
      if (!force && path !== state.loadedProfile && services.profileExists(path)) {
        dispatch({ type: 'done', action: { type: 'exists' } });
        return;
      }
      dispatch({ type: 'done', action: { type: 'saved', path: services.saveProfile(path, answers) } });
    } catch (err) {
      const message = err instanceof InputError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      dispatch({ type: 'done', action: { type: 'failed', message: oneLine(message, 400) } });
    }
  }, [phase, force]);
}
