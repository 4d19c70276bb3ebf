// Starts the app on the terminal and resolves when it ends. Loaded only when the app runs,
// so the other commands never load ink or react.
import { render } from 'ink';
import { useState } from 'react';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { jobControl } from './job-control.js';
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

interface RootProps extends StartApp {
  onSuspend: () => void;
}

/** The size ink would use when the terminal does not tell (80x24 fits the app). */
const FALLBACK: Size = { columns: 80, rows: 24 };

function Root({ services, start, version, env, onSuspend }: RootProps) {
  const size = useTerminalSize(FALLBACK);
  // Made once: a resize redraws the app, it does not start it again.
  const [initial] = useState(() => initialWizard(start));
  const [theme] = useState(() => makeTheme(env));
  return (
    <ThemeContext.Provider value={theme}>
      <App services={services} initial={initial} size={size} version={version} onSuspend={onSuspend} />
    </ThemeContext.Provider>
  );
}

export async function startApp(options: StartApp): Promise<Outcome> {
  // A new element each time: React then renders the app again, and ink, whose frame fills
  // the terminal, writes the whole screen (the state is kept: the same Root stays mounted).
  const root = () => <Root {...options} onSuspend={() => job.suspend()} />;
  const job = jobControl({ stdin: process.stdin, stdout: process.stdout, redraw: () => instance.rerender(root()) });
  // Ctrl-C and Ctrl-Z are the app's own keys (they must also work inside text fields).
  const instance = render(root(), { exitOnCtrlC: false, patchConsole: false });
  const outcome = (await instance.waitUntilExit().finally(() => job.dispose())) as Outcome | undefined;
  // ink leaves the cursor at the end of the last frame; the shell prompt goes below it.
  process.stdout.write('\n');
  return outcome ?? 'finished';
}
