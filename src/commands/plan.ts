// `plan`: the flows the chosen agents need.
import type { Catalogue } from '../core/catalogue.js';
import { type LanFlow, type Plan, plan, planLan } from '../core/planner.js';
import type { SiteEndpoint } from '../core/site-endpoints.js';

export interface PlanInput {
  agents: readonly string[];
  options: readonly string[];
  /** The site's own endpoints (from a profile). */
  endpoints?: readonly SiteEndpoint[];
  lan: boolean;
}

export interface PlanResult {
  catalogue: Catalogue;
  plan: Plan;
  lan: LanFlow[] | null;
}

export function makePlan(input: PlanInput, catalogue: Catalogue): PlanResult {
  const result = plan(catalogue, { agents: input.agents, options: input.options, endpoints: input.endpoints ?? [] });
  return { catalogue, plan: result, lan: input.lan ? planLan(catalogue, result.agents) : null };
}
