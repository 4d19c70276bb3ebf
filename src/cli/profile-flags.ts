// --profile FILE for plan, check and render: the profile's answers fill every flag that
// was not given on the command line (flags win), and then go through the same parsers.
import type { SiteAnswers } from '../core/profile.js';
import { dnsServerText } from '../core/site.js';
import { parseProxyUrl } from '../core/proxy-url.js';
import type { CheckFlags } from './check-flags.js';
import type { TargetId } from '../core/render/target.js';
import { type RenderFlags, optionKey } from './render-flags.js';

export const PROFILE_HELP = 'take the answers of a site profile saved by the app (flags given here win)';

/** The flags given, over the profile's: commander leaves flags not given undefined. */
function over<T extends object>(fromProfile: T, given: T): T {
  const out: Record<string, unknown> = { ...(fromProfile as Record<string, unknown>) };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  return out as T;
}

export function checkFlagsWithProfile(flags: CheckFlags, profile: SiteAnswers | null): CheckFlags {
  if (profile === null) return flags;
  const fromProfile: CheckFlags = {};
  if (profile.dnsServer) fromProfile.dnsServer = dnsServerText(profile.dnsServer);
  if (profile.proxy !== null) fromProfile.proxy = profile.proxy;
  return over(fromProfile, flags);
}

export function renderFlagsWithProfile(flags: RenderFlags, profile: SiteAnswers | null): RenderFlags {
  if (profile === null) return flags;
  const fromProfile: RenderFlags = { mode: profile.mode, iotPort: profile.iotPort };
  if (profile.sources.length > 0) fromProfile.source = profile.sources.map((s) => s.cidr).join(',');
  if (profile.site !== null) fromProfile.site = profile.site;
  // A profile for several targets cannot choose one; a profile for one can.
  const [only] = profile.targets;
  if (profile.targets.length === 1 && only !== undefined) fromProfile.target = only;
  const target = flags.target ?? fromProfile.target;
  // The profile's proxy and resolver apply where the target uses them, never as an error.
  if (target?.toLowerCase() === 'pac' && profile.proxy !== null) fromProfile.proxy = parseProxyUrl(profile.proxy, '"proxy"').text;
  // The target's own settings from the profile, as the flags would give them.
  const settings = target === undefined ? undefined : profile.settings[target.toLowerCase() as TargetId];
  for (const [name, value] of Object.entries(settings ?? {})) fromProfile[optionKey(name)] = value;
  if (flags.resolve && profile.dnsServer) fromProfile.dnsServer = dnsServerText(profile.dnsServer);
  return over(fromProfile, flags);
}
