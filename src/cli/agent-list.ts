// Parses the --agents value: "id,id,..." or "all".
import type { Catalogue } from '../core/catalogue.js';
import { PlanError, agentIdList, resolveAgents } from '../core/planner.js';
import { quoteValue } from '../core/text.js';
import { UsageError } from './usage-error.js';

export function parseAgentList(catalogue: Catalogue, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) {
    throw new UsageError(`--agents is empty; valid: ${agentIdList(catalogue)}, or all`);
  }
  if (items.includes('')) {
    throw new UsageError(`--agents has an empty item in ${quoteValue(value)}; valid: ${agentIdList(catalogue)}, or all`);
  }
  // Ids are lower-case; "CCA" typed from the document means cca.
  const ids = items.map((s) => s.toLowerCase()).filter((s) => s !== 'all');
  try {
    // Validate the named ids even next to "all", so a typo is never silently ignored.
    const chosen = ids.length > 0 ? resolveAgents(catalogue, ids) : [];
    return items.length > ids.length ? catalogue.agents.map((a) => a.id) : chosen;
  } catch (err) {
    if (err instanceof PlanError) throw new UsageError(`--agents: ${err.message}, or all`);
    throw err;
  }
}
