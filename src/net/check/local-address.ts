// myIpAddress() for PAC files: the address this host would send from toward the
// site's resolver. A UDP connect only picks the route; it sends nothing.
import dgram from 'node:dgram';
import os from 'node:os';
import type { DnsServer } from '../../core/site.js';

export function localAddressToward(server: DnsServer | null): Promise<string> {
  if (server === null) return Promise.resolve(firstInterfaceAddress());
  return new Promise((resolve) => {
    const socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    const done = (address: string) => {
      socket.close();
      resolve(address);
    };
    socket.on('error', () => done(firstInterfaceAddress()));
    socket.connect(server.port, server.address, () => done(socket.address().address));
  });
}

function firstInterfaceAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    const v4 = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}
