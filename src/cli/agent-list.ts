// Parses the --agents value: "id,id,..." or "all".
import { type Command, Option } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { UnknownAgentError, agentIdList, resolveAgents } from '../core/planner.js';
import type { SiteAnswers } from '../core/profile.js';
import { quoteValue } from '../core/text.js';
import { PROFILE_HELP } from './profile-flags.js';
import { addCatalogueFlag } from './catalogue-flag.js';
import { UsageError } from './exit-codes.js';

/** The valid values of --agents, as every --agents error names them. */
export function agentsHint(catalogue: Catalogue): string {
  return `valid: ${agentIdList(catalogue)}, or all`;
}

export function parseAgentList(catalogue: Catalogue, value: string | undefined): string[] {
  if (value === undefined) throw new UsageError(`missing --agents <ids> (or --profile FILE); ${agentsHint(catalogue)}`);
  const items = value.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) throw new UsageError(`--agents is empty; ${agentsHint(catalogue)}`);
  if (items.includes('')) {
    throw new UsageError(`--agents has an empty item in ${quoteValue(value)}; ${agentsHint(catalogue)}`);
  }
  // Ids are lower-case; "CCA" typed from the document means cca.
  const ids = items.map((s) => s.toLowerCase()).filter((s) => s !== 'all');
  try {
    // Validate the named ids even next to "all", so a typo is never silently ignored.
    const chosen = ids.length > 0 ? resolveAgents(catalogue, ids) : [];
    return items.length > ids.length ? catalogue.agents.map((a) => a.id) : chosen;
  } catch (err) {
    if (err instanceof UnknownAgentError) {
      throw new UsageError(`--agents: unknown agent ${quoteValue(err.id)}; ${agentsHint(catalogue)}`);
    }
    throw err;
  }
}

/** The agent choice `plan`, `check` and `render` take: --agents plus each agent option
 *  from the catalogue (e.g. --cca-activation), or a site profile (--profile) that names
 *  them. Returns the reader for the parsed flags; it also hands back the profile, whose
 *  other answers the command uses for the flags it was not given. */
export function addAgentFlags(
  cmd: Command,
  catalogue: Catalogue,
  program: string,
): (opts: Record<string, unknown>) => Promise<{ agents: string[]; options: string[]; profile: SiteAnswers | null }> {
  cmd.addOption(new Option('--agents <ids>', `comma-separated agent ids, or all (see '${program} agents')`));
  const flags = catalogue.agents.flatMap((a) =>
    (a.options ?? []).map((o) => ({ id: o.id, option: new Option(o.flag, `${o.description} (agent ${a.id}; adds its endpoint)`) })),
  );
  for (const { option } of flags) cmd.addOption(option);
  cmd.addOption(new Option('--profile <file>', PROFILE_HELP));
  // Read from argv before parsing (catalogue-flag.ts): declared here so commander takes it.
  addCatalogueFlag(cmd);
  return async (opts) => {
    // The profile reader (its validator, zod) loads only for --profile.
    const profile = typeof opts['profile'] === 'string' ? (await import('../io/profile-file.js')).readProfile(opts['profile'], catalogue) : null;
    const given = typeof opts['agents'] === 'string' ? opts['agents'] : undefined;
    const flagOptions = flags.filter(({ option }) => opts[option.attributeName()] === true).map((f) => f.id);
    // --agents replaces the profile's choice, options included; option flags add to it.
    if (profile !== null && given === undefined) {
      return { agents: profile.agents, options: [...new Set([...profile.options, ...flagOptions])], profile };
    }
    return { agents: parseAgentList(catalogue, given), options: flagOptions, profile };
  };
}
