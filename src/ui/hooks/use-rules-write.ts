// Writes the chosen targets' files when the rules step asks for it: each target into its
// own folder under the chosen one, all files or none. Files in the way are reported back
// for the user to confirm, unless they already did.
import { type Dispatch, useEffect } from 'react';
import { InputError } from '../../core/errors.js';
import { oneLine } from '../../core/text.js';
import type { AppServices } from '../services.js';
import { fieldMessage } from '../state/site.js';
import { type WizardAction, type WizardState, answersOf } from '../state/wizard.js';

export function useRulesWrite(state: WizardState, dispatch: Dispatch<WizardAction>, services: AppServices): void {
  const { phase, force } = state.rules;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a side effect of entering the writing phase, run once per entry; it reads the state of that moment
  useEffect(() => {
    if (phase !== 'writing') return;
    const answers = answersOf(state);
    const dir = state.rules.out.value.trim();
    let live = true;
    void (async () => {
      try {
        if (!answers) throw new InputError('the site details are not complete');
        const files: { name: string; content: string; apply: string }[] = [];
        const warnings: string[] = [];
        for (const target of answers.targets) {
          const out = await services.render(answers, target);
          files.push(...out.files.map((f) => ({ name: `${target}/${f.name}`, content: f.content, apply: f.apply })));
          warnings.push(...out.warnings.map((w) => `${target}: ${w}`));
        }
        const existing = services.existing(
          dir,
          files.map((f) => f.name),
        );
        if (!live) return;
        if (existing.length > 0 && !force) {
          dispatch({ type: 'rules', action: { type: 'exists', paths: existing } });
          return;
        }
        const { paths, notes } = services.writeFiles(dir, files);
        dispatch({
          type: 'written',
          written: { dir, files: files.map((f, i) => ({ path: paths[i] ?? f.name, apply: f.apply })), warnings: [...warnings, ...notes] },
        });
      } catch (err) {
        if (!live) return;
        // Bad input (a target that needs a proxy, a folder in the way) is the user's to fix.
        const message = err instanceof InputError ? fieldMessage(err) : `internal error: ${err instanceof Error ? err.message : String(err)}`;
        dispatch({ type: 'rules', action: { type: 'failed', message: oneLine(message, 400) } });
      }
    })();
    return () => {
      live = false;
    };
    // Runs once per entry into the writing phase.
  }, [phase, force]);
}
