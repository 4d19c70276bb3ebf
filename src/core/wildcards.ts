// Vendor wildcard domains ("*.srv.ygles.com") and which hosts they cover.

/** True when `pattern` (`*.domain`) covers `host`. Like firewall and PAC wildcards,
 *  `*` stands for one or more whole labels: `*.amazonaws.com` covers
 *  `kinesis.eu-central-1.amazonaws.com`, but neither `amazonaws.com` itself nor
 *  `xamazonaws.com`, which merely ends with the same text. */
export function wildcardCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1).toLowerCase();
  const name = host.toLowerCase().replace(/\.$/, '');
  return name.length > suffix.length && name.endsWith(suffix);
}

/** The first pattern that covers `host`, or null. */
export function coveringWildcard(patterns: readonly string[], host: string): string | null {
  return patterns.find((p) => wildcardCovers(p, host)) ?? null;
}
