// `agents`: the agent modes the catalogue knows.
import type { Agent, Catalogue } from '../core/catalogue.js';

export interface AgentsResult {
  catalogue: Catalogue;
  agents: Agent[];
}

export function listAgents(catalogue: Catalogue): AgentsResult {
  return { catalogue, agents: catalogue.agents };
}
