// Starts the app on the terminal and resolves when it ends. Loaded only when the app runs,
// so the other commands never load ink or react.
import { render } from 'ink';
import { useState } from 'react';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import type { AppServices } from './services.js';
import type { Size } from './state/keys.js';
import { type WizardStart, initialWizard } from './state/wizard.js';
import { App, type Outcome } from './views/App.js';
import { ThemeContext } from './views/theme-context.js';
import { makeTheme } from './theme.js';

export interface StartApp {
  services: AppServices;
  start: WizardStart;
  version: string;
  env: NodeJS.ProcessEnv;
}

/** The size ink would use when the terminal does not tell (80x24 fits the app). */
const FALLBACK: Size = { columns: 80, rows: 24 };

function Root({ services, start, version, env }: StartApp) {
  const size = useTerminalSize(FALLBACK);
  // Made once: a resize redraws the app, it does not start it again.
  const [initial] = useState(() => initialWizard(start));
  const [theme] = useState(() => makeTheme(env));
  return (
    <ThemeContext.Provider value={theme}>
      <App services={services} initial={initial} size={size} version={version} />
    </ThemeContext.Provider>
  );
}

export async function startApp(options: StartApp): Promise<Outcome> {
  // Ctrl-C is the app's own key (it must also work inside text fields).
  const instance = render(<Root {...options} />, { exitOnCtrlC: false, patchConsole: false });
  const outcome = (await instance.waitUntilExit()) as Outcome | undefined;
  // ink leaves the cursor at the end of the last frame; the shell prompt goes below it.
  process.stdout.write('\n');
  return outcome ?? 'finished';
}
