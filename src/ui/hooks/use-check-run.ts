// Runs the check when the check step asks for a run, once per run id, and feeds its
// progress and verdict back tagged with that id.
import { type Dispatch, useEffect, useRef } from 'react';
import { oneLine } from '../../core/text.js';
import type { AppServices } from '../services.js';
import type { WizardAction, WizardState } from '../state/wizard.js';

export function useCheckRun(state: WizardState, dispatch: Dispatch<WizardAction>, services: AppServices): void {
  const started = useRef(0);
  const { phase, runId } = state.check;
  useEffect(() => {
    if (phase !== 'running' || started.current === runId) return;
    started.current = runId;
    const request = {
      agents: state.agents.agents,
      options: state.agents.options,
      endpoints: state.endpoints,
      dnsServer: state.values?.dnsServer ?? null,
      proxy: state.values?.proxy ?? null,
    };
    // When it started and how long it took: what a saved run records.
    const startedAt = services.now().toISOString();
    const t0 = performance.now();
    services
      .runCheck(request, (event) => dispatch({ type: 'check', action: { type: 'progress', runId, event } }))
      .then((output) => dispatch({ type: 'check', action: { type: 'done', runId, output, ran: { startedAt, seconds: (performance.now() - t0) / 1000 } } }))
      .catch((err: unknown) =>
        dispatch({ type: 'check', action: { type: 'failed', runId, message: oneLine(err instanceof Error ? err.message : String(err)) } }),
      );
  }, [phase, runId, state.agents, state.endpoints, state.values, services, dispatch]);
}
