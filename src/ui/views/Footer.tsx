import { Box } from 'ink';
import { promptOpen } from '../state/save-prompt.js';
import { focusedSetting } from '../state/target-choice.js';
import { settingRows } from '../state/target-settings.js';
import type { WizardState } from '../state/wizard.js';
import { Painted } from './Painted.js';

const CHECK_KEYS: Record<WizardState['check']['phase'], string> = {
  ready: 'enter run the check · s skip to the rules · esc back · ctrl-c quit',
  running: 'esc stop waiting · ctrl-c quit',
  done: '↑↓ scroll · tab flows · r rerun · w save · enter rules · esc back · ctrl-c quit',
  failed: 'enter run again · s skip to the rules · esc back · ctrl-c quit',
};

/** The keys that work now, one line. */
function footerKeys(state: WizardState): string {
  switch (state.step) {
    case 'agents':
      return '↑↓ move · space choose · a all/none · enter next · ctrl-c quit';
    case 'site':
      return '↑↓/tab field · ←→ change choice · enter plan · esc back · ctrl-c quit';
    case 'plan':
      if (state.values?.mode !== 'wildcard') return '↑↓ PgUp/PgDn scroll · enter check · esc back · ctrl-c quit';
      return state.planStep.pane === 'wildcards'
        ? '↑↓ scroll · tab the flows · enter check · esc back · ctrl-c quit'
        : '↑↓ scroll · tab the wildcards · enter check · esc back · ctrl-c quit';
    case 'check':
      if (promptOpen(state.check.save)) {
        return state.check.save.phase === 'confirm'
          ? 'enter replace it · type another name · esc close · ctrl-c quit'
          : 'type a file name · enter save · esc close · ctrl-c quit';
      }
      if (state.check.phase === 'done' && state.check.pane === 'flow') return '↑↓ flow · PgUp/PgDn detail · tab summary · enter rules · esc back · ctrl-c quit';
      return CHECK_KEYS[state.check.phase];
    case 'rules':
      if (state.rules.phase === 'confirm') return 'enter replace · esc keep the files as they are · ctrl-c quit';
      return rulesKeys(state.rules);
    case 'done':
      if (state.done.save.phase === 'saved' || state.done.save.phase === 'quit') return 'done';
      if (state.done.save.phase === 'confirm') return 'enter replace it · type another path · esc back · ctrl-c quit';
      return 'enter save and quit (empty path: quit) · ↑↓ scroll · esc back · ctrl-c quit';
  }
}

function rulesKeys(step: WizardState['rules']): string {
  const settings = settingRows(step.targets).length > 0;
  switch (step.focus) {
    case 'targets':
      return `↑↓ move · space choose · a all/none · tab ${settings ? 'settings' : 'folder'} · enter write · ctrl-c quit`;
    case 'settings':
      return focusedSetting(step)?.option.choices !== undefined
        ? '↑↓ setting · ←→ change · tab folder · enter write · esc back · ctrl-c quit'
        : '↑↓ setting · type (empty: default) · tab folder · enter write · ctrl-c quit';
    case 'out':
      return 'type the folder · tab targets · enter write · esc back · ctrl-c quit';
  }
}

const SUSPEND = ' · ctrl-z suspend';

/** The step's keys, and Ctrl-Z where the line has room for it. */
function footerLine(state: WizardState, width: number): string {
  const keys = footerKeys(state);
  return keys.endsWith('ctrl-c quit') && [...keys].length + [...SUSPEND].length <= width ? keys + SUSPEND : keys;
}

export function Footer({ state, width }: { state: WizardState; width: number }) {
  return (
    <Box marginTop={1}>
      <Painted tone="muted">{footerLine(state, width)}</Painted>
    </Box>
  );
}
