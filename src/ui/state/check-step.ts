// Step 4, the check: ready, running (live progress per flow), then the verdict. Pure; the
// app runs the check and feeds its progress in as actions tagged with the run's id, so a
// run the user walked away from cannot change the screen.
import type { CheckOutput } from '../../core/check/output.js';
import { type ProgressEvent, type ProgressState, initialProgress, progressReducer } from '../../core/check/progress.js';
import type { Flow } from '../../core/planner.js';
import { type Move, moveCursor } from './cursor.js';
import { runSave } from './run-save.js';
import { type SavePrompt, type SavePromptAction, savePromptReducer } from './save-prompt.js';

/** When the run started (UTC, ISO) and how long it took: what a saved run records. */
export interface RunTiming {
  startedAt: string;
  seconds: number;
}

export interface CheckStep {
  phase: 'ready' | 'running' | 'done' | 'failed';
  runId: number;
  progress: ProgressState | null;
  output: CheckOutput | null;
  error: string | null;
  /** First line shown of the results (they can be longer than the screen). */
  scroll: number;
  /** The verdict's summary, or one flow in full. */
  pane: 'summary' | 'flow';
  /** The flow under the cursor (an index into the results). */
  flow: number;
  /** First line shown of that flow's detail. */
  detailScroll: number;
  ran: RunTiming | null;
  /** The prompt that saves the run (w), once opened. */
  save: SavePrompt | null;
}

export type CheckAction =
  | { type: 'run'; flows: readonly Flow[] }
  | { type: 'abandon' }
  | { type: 'progress'; runId: number; event: ProgressEvent }
  | { type: 'done'; runId: number; output: CheckOutput; ran?: RunTiming }
  | { type: 'failed'; runId: number; message: string }
  | { type: 'scroll'; move: Move; lines: number }
  | { type: 'pane' }
  | { type: 'select'; move: Move; count: number }
  | { type: 'detail'; move: Move; lines: number }
  /** w: open the prompt that saves the run. */
  | { type: 'save-open' }
  | { type: 'save-close' }
  | { type: 'save'; action: SavePromptAction };

export const checkStep: CheckStep = {
  phase: 'ready',
  runId: 0,
  progress: null,
  output: null,
  error: null,
  scroll: 0,
  pane: 'summary',
  flow: 0,
  detailScroll: 0,
  ran: null,
  save: null,
};

export function checkReducer(state: CheckStep, action: CheckAction): CheckStep {
  switch (action.type) {
    case 'run':
      return { ...checkStep, phase: 'running', runId: state.runId + 1, progress: initialProgress(action.flows) };
    case 'abandon':
      // A new id: whatever the abandoned run still reports is ignored.
      return state.phase === 'running' ? { ...checkStep, runId: state.runId + 1 } : state;
    case 'progress':
      if (action.runId !== state.runId || state.phase !== 'running' || !state.progress) return state;
      return { ...state, progress: progressReducer(state.progress, action.event) };
    case 'done':
      if (action.runId !== state.runId || state.phase !== 'running') return state;
      // The cursor starts on the first flow that failed: the one to look at.
      return {
        ...state,
        phase: 'done',
        output: action.output,
        ran: action.ran ?? null,
        flow: Math.max(
          0,
          action.output.results.findIndex((r) => r.status !== 'ok'),
        ),
      };
    case 'failed':
      if (action.runId !== state.runId || state.phase !== 'running') return state;
      return { ...state, phase: 'failed', error: action.message };
    case 'scroll':
      return { ...state, scroll: moveCursor(state.scroll, action.lines, action.move) };
    case 'pane':
      return state.output ? { ...state, pane: state.pane === 'summary' ? 'flow' : 'summary', detailScroll: 0 } : state;
    case 'select':
      return { ...state, flow: moveCursor(state.flow, action.count, action.move), detailScroll: 0 };
    case 'detail':
      return { ...state, detailScroll: moveCursor(state.detailScroll, action.lines, action.move) };
    case 'save-open':
      return state.phase === 'done' ? { ...state, save: runSave(state.ran?.startedAt ?? null) } : state;
    case 'save-close':
      return state.save?.phase === 'saving' ? state : { ...state, save: null };
    case 'save':
      return state.save ? { ...state, save: savePromptReducer(state.save, action.action) } : state;
  }
}
