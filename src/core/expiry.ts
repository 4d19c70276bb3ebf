// How near a certificate's expiry is worth a line in diff and the report: a month leaves time
// to renew or re-trust before the devices stop connecting.
export const EXPIRY_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `from` to a certificate's expiry (negative once expired); null where either
 *  is not a time. diff's expiring list and the report's flow table count alike. */
export function daysUntil(expires: string | null, from: string): number | null {
  const at = expires === null ? Number.NaN : Date.parse(expires);
  const start = Date.parse(from);
  return Number.isFinite(at) && Number.isFinite(start) ? Math.floor((at - start) / DAY_MS) : null;
}
