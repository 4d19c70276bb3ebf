// Feeds ink's key events to the wizard's reducer, which maps them against the state they
// arrive in (state/keys.ts). The app's own keys act at once, whatever the state: Ctrl-C
// quits, Ctrl-Z suspends (the side effects live here and in start.tsx, not in the reducer).
// While the terminal is too small to show the step (`shown` false), only those two act: no
// key changes what the user cannot see.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import { type Size, appKey, splitKeys } from '../state/keys.js';
import type { WizardAction } from '../state/wizard.js';

export function useWizardKeys(dispatch: Dispatch<WizardAction>, size: Size, shown: boolean, quit: () => void, suspend: () => void): void {
  useInput((raw, rawKey) => {
    for (const { input, key } of splitKeys(raw, rawKey)) {
      const app = appKey(input, key);
      if (app?.type === 'quit') return quit();
      // suspend() returns once the app runs again; keys after it in the same read are the user's.
      if (app?.type === 'suspend') suspend();
      else if (shown) dispatch({ type: 'key', input, key, size });
    }
  });
}
