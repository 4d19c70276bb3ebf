// Runs inside a test's network namespace (ip netns exec ... node netns-peer.mjs):
//   listen '[["127.0.1.1",443],...]'  -> accepts on each address:port, prints "ready"
//   probe '{"timeout":800,"dns":"127.0.0.1:53","targets":[{"host":"127.0.1.1"|"name","port":443,"from":"127.0.0.1"}]}'
//       -> prints a JSON array of "ok" | "refused" | "timeout" | "dns:<code>"
//   resolve '{"dns":"127.0.0.1:53","names":["a.example"]}'
//       -> prints a JSON array, per name, of its A records with their TTLs: [{"address","ttl"}]
import dns from 'node:dns/promises';
import net from 'node:net';

const [mode, arg] = process.argv.slice(2);
const spec = JSON.parse(arg ?? 'null');

if (mode === 'listen') {
  let open = 0;
  for (const [host, port] of spec) {
    const server = net.createServer((s) => s.end());
    server.listen({ host, port }, () => {
      open += 1;
      if (open === spec.length) process.stdout.write('ready\n');
    });
    server.on('error', (err) => {
      process.stderr.write(`${host}:${port} ${err.message}\n`);
      process.exit(1);
    });
  }
} else if (mode === 'probe') {
  const resolver = new dns.Resolver({ timeout: spec.timeout, tries: 1 });
  if (spec.dns) resolver.setServers([spec.dns]);
  const one = async ({ host, port, from }) => {
    let address = host;
    if (net.isIP(host) === 0) {
      try {
        [address] = await resolver.resolve4(host);
      } catch (err) {
        return `dns:${err.code}`;
      }
    }
    return new Promise((resolve) => {
      const socket = net.connect({ host: address, port, localAddress: from });
      const done = (status) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(status);
      };
      const timer = setTimeout(() => done('timeout'), spec.timeout);
      socket.on('connect', () => done('ok'));
      socket.on('error', (err) => done(err.code === 'ECONNREFUSED' ? 'refused' : `error:${err.code}`));
    });
  };
  const results = await Promise.all(spec.targets.map(one));
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else if (mode === 'resolve') {
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([spec.dns]);
  const results = [];
  for (const name of spec.names) results.push(await resolver.resolve4(name, { ttl: true }));
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
  process.stderr.write('usage: netns-peer.mjs listen|probe|resolve JSON\n');
  process.exit(2);
}
