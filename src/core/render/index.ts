// Every render target, by id: one module each, all behind the Target interface.
import { asa } from './asa.js';
import { csv } from './csv.js';
import { fortigate } from './fortigate.js';
import { iptables } from './iptables.js';
import { nftables } from './nftables.js';
import { opnsense } from './opnsense.js';
import { pac } from './pac.js';
import { panos } from './panos.js';
import { pfsense } from './pfsense.js';
import { squid } from './squid.js';
import type { Target, TargetId } from './target.js';

export const targets: Readonly<Record<TargetId, Target>> = { pfsense, iptables, nftables, panos, fortigate, pac, squid, csv, opnsense, asa };
