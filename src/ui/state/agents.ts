// Step 1, the agents in use: a multi-select of every agent mode, and under an agent the
// options that add endpoints (e.g. eRDS's remote CCA activation). Pure.
import type { Catalogue } from '../../core/catalogue.js';
import { type Move, moveCursor } from './cursor.js';

export interface AgentRow {
  kind: 'agent' | 'option';
  /** The agent id, or the option id. */
  id: string;
  /** The agent the row belongs to. */
  agent: string;
  name: string;
  description: string;
  /** The command-line flag of an option (for the profile-less equivalent). */
  flag: string | null;
}

export interface AgentsStep {
  rows: AgentRow[];
  cursor: number;
  agents: string[];
  options: string[];
  error: string | null;
}

export type AgentsAction = { type: 'move'; move: Move } | { type: 'toggle' } | { type: 'all' };

/** Typical choices, from the agents' descriptions in the security document. */
export const AGENTS_HINT =
  'Typical: CCA on recent devices; CDCA v2 in CCA mode on a server watching many devices; ' +
  'RMT. DIAG. MEAP for small sites (up to 31 devices) without a server; eRDS on older devices. ' +
  'Add the Data Backup Service where it is used.';

function agentRows(catalogue: Catalogue): AgentRow[] {
  return catalogue.agents.flatMap((a) => [
    { kind: 'agent' as const, id: a.id, agent: a.id, name: a.name, description: a.description, flag: null },
    ...(a.options ?? []).map((o) => ({
      kind: 'option' as const,
      id: o.id,
      agent: a.id,
      name: o.description,
      description: `${o.description}: adds its endpoint to ${a.name}.`,
      flag: o.flag,
    })),
  ]);
}

export function agentsStep(catalogue: Catalogue, agents: readonly string[] = [], options: readonly string[] = []): AgentsStep {
  return { rows: agentRows(catalogue), cursor: 0, agents: [...agents], options: [...options], error: null };
}

export function agentsReducer(state: AgentsStep, action: AgentsAction): AgentsStep {
  switch (action.type) {
    case 'move':
      return { ...state, cursor: moveCursor(state.cursor, state.rows.length, action.move) };
    case 'all': {
      const all = state.rows.filter((r) => r.kind === 'agent').map((r) => r.id);
      const every = all.every((id) => state.agents.includes(id));
      return ordered(state, every ? [] : all, every ? [] : state.options);
    }
    case 'toggle': {
      const row = state.rows[state.cursor];
      if (!row) return state;
      if (row.kind === 'agent') {
        // Dropping an agent drops its options: they cannot apply without it.
        if (state.agents.includes(row.id)) {
          const mine = new Set(state.rows.filter((r) => r.kind === 'option' && r.agent === row.id).map((r) => r.id));
          return ordered(
            state,
            state.agents.filter((a) => a !== row.id),
            state.options.filter((o) => !mine.has(o)),
          );
        }
        return ordered(state, [...state.agents, row.id], state.options);
      }
      // Choosing an option chooses its agent too.
      if (state.options.includes(row.id))
        return ordered(
          state,
          state.agents,
          state.options.filter((o) => o !== row.id),
        );
      return ordered(state, [...new Set([...state.agents, row.agent])], [...state.options, row.id]);
    }
  }
}

/** Keeps the choice in catalogue order, as the planner and the profile have it. */
function ordered(state: AgentsStep, agents: readonly string[], options: readonly string[]): AgentsStep {
  const pick = (kind: AgentRow['kind'], ids: readonly string[]) => state.rows.filter((r) => r.kind === kind && ids.includes(r.id)).map((r) => r.id);
  return { ...state, agents: pick('agent', agents), options: pick('option', options), error: null };
}

export function isChosen(state: AgentsStep, row: AgentRow): boolean {
  return row.kind === 'agent' ? state.agents.includes(row.id) : state.options.includes(row.id);
}
