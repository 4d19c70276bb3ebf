// Step 3, the plan: the flows with a cursor and, in wildcard mode, the vendor wildcard
// domains the rules will use, what each lets through and its risk, so the user sees what
// a wildcard opens before any file is written. Pure.
import type { Catalogue } from '../../core/catalogue.js';
import type { Plan } from '../../core/planner.js';
import { type Mode, type RuleOptions, type RuleSet, buildRules } from '../../core/rules.js';
import { type Move, moveCursor } from './cursor.js';

export type PlanPane = 'flows' | 'wildcards';

export interface PlanStep {
  cursor: number;
  pane: PlanPane;
  /** First line shown of the wildcards (they can be longer than the screen). */
  scroll: number;
}

export type PlanAction = { type: 'move'; move: Move; count: number } | { type: 'pane' } | { type: 'scroll'; move: Move; lines: number };

/** In wildcard mode the wildcards come first: they are what the rules open. */
export function planStep(mode: Mode): PlanStep {
  return { cursor: 0, pane: mode === 'wildcard' ? 'wildcards' : 'flows', scroll: 0 };
}

export function planReducer(state: PlanStep, action: PlanAction): PlanStep {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: moveCursor(state.cursor, action.count, action.move) };
    case 'pane':
      return { ...state, pane: state.pane === 'flows' ? 'wildcards' : 'flows', scroll: 0 };
    case 'scroll':
      return { ...state, scroll: moveCursor(state.scroll, action.lines, action.move) };
  }
}

/** The rules the answers make, when they use wildcards (null in exact mode): the same
 *  rules, risks and warnings the written files carry. */
export function wildcardRules(catalogue: Catalogue, plan: Plan | null, options: RuleOptions | null): RuleSet | null {
  if (!plan || !options || options.mode !== 'wildcard') return null;
  return buildRules(catalogue, plan, options);
}
