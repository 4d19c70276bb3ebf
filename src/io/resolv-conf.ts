// The site's resolver by default: the first nameserver of /etc/resolv.conf.
import { readFileSync } from 'node:fs';
import { type DnsServer, firstNameserver } from '../core/site.js';

export const RESOLV_CONF = '/etc/resolv.conf';

export function systemResolver(path = RESOLV_CONF): DnsServer | null {
  try {
    return firstNameserver(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
