// The state of a running check, one entry per flow, as a pure reducer: the terminal
// progress lines (and any other view) are drawn from it.
import type { CheckResult } from './result.js';

export const PHASES = ['queued', 'route', 'dns', 'connect', 'tls', 'done'] as const;
export type Phase = (typeof PHASES)[number];

export interface FlowProgress {
  host: string;
  port: number;
  phase: Phase;
  result: CheckResult | null;
}

export interface ProgressState {
  flows: FlowProgress[];
  done: number;
  failed: number;
}

export type ProgressEvent = { type: 'phase'; index: number; phase: Phase; result?: CheckResult };

export function initialProgress(flows: readonly { host: string; port: number }[]): ProgressState {
  return { flows: flows.map((f) => ({ host: f.host, port: f.port, phase: 'queued', result: null })), done: 0, failed: 0 };
}

export function progressReducer(state: ProgressState, event: ProgressEvent): ProgressState {
  const current = state.flows[event.index];
  if (!current || current.phase === 'done') return state;
  const result = event.phase === 'done' ? (event.result ?? null) : null;
  const flows = state.flows.slice();
  flows[event.index] = { ...current, phase: event.phase, result };
  if (event.phase !== 'done') return { ...state, flows };
  return { flows, done: state.done + 1, failed: state.failed + (result && result.status !== 'ok' ? 1 : 0) };
}
