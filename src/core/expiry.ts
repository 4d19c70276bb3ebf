// How near a certificate's expiry is worth a line in diff and the report: a month leaves time
// to renew or re-trust before the devices stop connecting.
export const EXPIRY_DAYS = 30;
