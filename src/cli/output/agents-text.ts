import type { AgentsResult } from '../../commands/agents.js';
import { wrap } from '../../core/table.js';
import { safeJson } from '../../core/text.js';

const ID_WIDTH = 13;

/** `columns`: the terminal width, if any; prose wraps at 80 or narrower. */
export function agentsText({ catalogue, agents }: AgentsResult, columns?: number): string {
  const cols = Math.min(columns ?? 80, 80);
  const out = [`Agent modes in catalogue ${catalogue.version} (use the ids with --agents):`, ''];
  for (const a of agents) {
    out.push(`${a.id.padEnd(ID_WIDTH)}${a.name}`);
    out.push(wrap(a.description, cols, ' '.repeat(ID_WIDTH)));
    for (const o of a.options ?? []) out.push(wrap(`option ${o.flag}: ${o.description}`, cols, ' '.repeat(ID_WIDTH)));
  }
  return `${out.join('\n')}\n`;
}

export function agentsJson({ catalogue, agents }: AgentsResult): string {
  const body = {
    catalogue: { version: catalogue.version },
    agents: agents.map((a) => ({
      id: a.id,
      name: a.name,
      description: a.description,
      options: (a.options ?? []).map((o) => ({ id: o.id, flag: o.flag, description: o.description })),
    })),
  };
  return `${safeJson(body)}\n`;
}
