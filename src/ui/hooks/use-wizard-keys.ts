// Feeds ink's key events to the wizard's reducer, which maps them against the state they
// arrive in (state/keys.ts). Ctrl-C quits at once, whatever the state.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import { type Size, splitKeys } from '../state/keys.js';
import type { WizardAction } from '../state/wizard.js';

export function useWizardKeys(dispatch: Dispatch<WizardAction>, size: Size, quit: () => void): void {
  useInput((raw, rawKey) => {
    for (const { input, key } of splitKeys(raw, rawKey)) {
      if (key.ctrl && input === 'c') return quit();
      dispatch({ type: 'key', input, key, size });
    }
  });
}
