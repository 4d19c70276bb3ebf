import { Box } from 'ink';
import type { WizardState } from '../state/wizard.js';
import { Painted } from './Painted.js';

const CHECK_KEYS: Record<WizardState['check']['phase'], string> = {
  ready: 'enter run the check · s skip to the rules · esc back · ctrl-c quit',
  running: 'esc stop waiting · ctrl-c quit',
  done: '↑↓ PgUp/PgDn scroll · r run again · enter rules · esc back · ctrl-c quit',
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
      return '↑↓ PgUp/PgDn scroll · enter check · esc back · ctrl-c quit';
    case 'check':
      return CHECK_KEYS[state.check.phase];
    case 'rules':
      if (state.rules.phase === 'confirm') return 'enter replace · esc keep the files as they are · ctrl-c quit';
      return state.rules.focus === 'targets'
        ? '↑↓ move · space choose · tab folder · enter write · esc back · ctrl-c quit'
        : 'type the folder · tab targets · enter write · esc back · ctrl-c quit';
    case 'done':
      if (state.done.phase === 'saved' || state.done.phase === 'quit') return 'done';
      if (state.done.phase === 'confirm') return 'enter replace it · type another path · esc back · ctrl-c quit';
      return 'enter save and quit (empty path: quit) · ↑↓ scroll · esc back · ctrl-c quit';
  }
}

export function Footer({ state }: { state: WizardState }) {
  return (
    <Box marginTop={1}>
      <Painted tone="muted">{footerKeys(state)}</Painted>
    </Box>
  );
}
