// `agents`: the agent modes the catalogue knows.
import type { Agent, Catalogue } from '../core/catalogue.js';
import { loadCatalogue } from '../io/catalogue-file.js';

export interface AgentsResult {
  catalogue: Catalogue;
  agents: Agent[];
}

export function listAgents(catalogue: Catalogue = loadCatalogue()): AgentsResult {
  return { catalogue, agents: catalogue.agents };
}
