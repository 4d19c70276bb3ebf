// The app: the wizard's reducer, its keys and side effects, and one view per step.
import { Box, useApp } from 'ink';
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import { useCheckRun } from '../hooks/use-check-run.js';
import { useProfileSave } from '../hooks/use-profile-save.js';
import { useRulesWrite } from '../hooks/use-rules-write.js';
import { useRunSave } from '../hooks/use-run-save.js';
import { useWizardKeys } from '../hooks/use-wizard-keys.js';
import type { AppServices } from '../services.js';
import type { Size } from '../state/keys.js';
import { MIN_SIZE, bodyRows, fitsApp, wrapLines } from '../text-layout.js';
import { wildcardRules } from '../state/plan-step.js';
import { checkSite } from '../state/site.js';
import { type WizardState, wizardReducer } from '../state/wizard.js';
import { AgentsView } from './AgentsView.js';
import { CheckView } from './CheckView.js';
import { DoneView } from './DoneView.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { Painted } from './Painted.js';
import { PlanView } from './PlanView.js';
import { RulesView } from './RulesView.js';
import { SiteView } from './SiteView.js';

/** How the app ended: the user quit (Ctrl-C), or finished (the profile step). */
export type Outcome = 'cancelled' | 'finished';

export interface AppProps {
  services: AppServices;
  initial: WizardState;
  size: Size;
  version: string;
  /** Told how the app ended, just before it unmounts. */
  onExit?: (outcome: Outcome) => void;
  /** Ctrl-Z: gives the terminal back and stops the process until `fg` (start.tsx). Without
   *  it (tests that render the app in-process) Ctrl-Z does nothing. */
  onSuspend?: () => void;
}

export function App({ services, initial, size, version, onExit, onSuspend }: AppProps) {
  const [state, dispatch] = useReducer(wizardReducer, initial);
  const app = useApp();
  const exit = useCallback(
    (outcome: Outcome) => {
      onExit?.(outcome);
      app.exit(outcome);
    },
    [app, onExit],
  );
  const fits = fitsApp(size);
  useWizardKeys(
    dispatch,
    size,
    fits,
    () => exit('cancelled'),
    () => onSuspend?.(),
  );
  useCheckRun(state, dispatch, services);
  useRunSave(state, dispatch, services);
  useRulesWrite(state, dispatch, services);
  useProfileSave(state, dispatch, services);
  const finished = state.done.save.phase === 'saved' || state.done.save.phase === 'quit';
  useEffect(() => {
    if (finished) exit('finished');
  }, [finished, exit]);

  const checked = useMemo(
    () => checkSite(state.site, { catalogue: state.catalogue, plan: state.plan, envPassword: state.envPassword }),
    [state.site, state.catalogue, state.plan, state.envPassword],
  );
  const wildcards = useMemo(() => wildcardRules(state.catalogue, state.plan, state.values), [state.catalogue, state.plan, state.values]);
  // Below the smallest size the steps fit, they would draw rows over each other: say so instead.
  if (!fits) return <TooSmall size={size} />;
  const height = bodyRows(size.rows);
  const width = size.columns;
  return (
    <Box flexDirection="column" width={width}>
      <Header step={state.step} version={version} />
      <Box flexDirection="column" height={height} overflow="hidden">
        {state.step === 'agents' ? <AgentsView step={state.agents} width={width} height={height} /> : null}
        {state.step === 'site' ? (
          <SiteView
            step={state.site}
            checked={checked}
            defaultResolver={services.defaultResolver}
            envPassword={services.envPassword !== undefined}
            width={width}
            height={height}
          />
        ) : null}
        {state.step === 'plan' && state.plan ? (
          <PlanView plan={state.plan} step={state.planStep} mode={state.site.mode} rules={wildcards} width={width} height={height} />
        ) : null}
        {state.step === 'check' ? (
          <CheckView
            step={state.check}
            values={state.values}
            flows={state.plan?.flows.length ?? 0}
            defaultResolver={services.defaultResolver}
            timeoutMs={services.timeoutMs}
            width={width}
            rows={size.rows}
          />
        ) : null}
        {state.step === 'rules' ? (
          <RulesView step={state.rules} siteProxy={state.values?.proxy ? `http://${state.values.proxy.text}` : null} width={width} height={height} />
        ) : null}
        {state.step === 'done' ? <DoneView step={state.done} width={width} rows={size.rows} /> : null}
      </Box>
      <Footer state={state} width={width} />
    </Box>
  );
}

/** What a terminal too small for the steps shows; the step comes back as it was once it is larger. */
function TooSmall({ size }: { size: Size }) {
  const text =
    `emaint-egress needs a terminal of at least ${MIN_SIZE.columns}x${MIN_SIZE.rows}; this one is ${size.columns}x${size.rows}. ` +
    'Make it larger to go on where you were, or press ctrl-c to quit.';
  return (
    <Box flexDirection="column">
      {wrapLines(text, size.columns, size.rows).map((l, i) => (
        <Painted key={i} tone="warn">
          {l}
        </Painted>
      ))}
    </Box>
  );
}
