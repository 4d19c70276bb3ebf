// The far ends of the check's flows, run inside a test's network namespace:
//   node site-peer.mjs '<json>'   -> listens on each entry, prints "ready"
// Entries: {"host","port","kind":"tls"|"tcp"|"silent","cert","key","alpn":[...],"requestCert":bool}
//   tls    : a TLS server (the CA decides whether the check trusts it)
//   tcp    : accepts and closes (a port without TLS)
//   silent : accepts and never answers (an IPS that swallows the handshake)
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const spec = JSON.parse(process.argv[2] ?? '[]');
let open = 0;
const sockets = new Set();
for (const entry of spec) {
  let server;
  if (entry.kind === 'tls') {
    server = tls.createServer(
      {
        cert: readFileSync(entry.cert),
        key: readFileSync(entry.key),
        ...(entry.alpn ? { ALPNProtocols: entry.alpn } : {}),
        // AWS IoT asks for a client certificate; the check has none and must still see the server's.
        ...(entry.requestCert ? { requestCert: true, rejectUnauthorized: true } : {}),
      },
      (s) => s.end(),
    );
    server.on('tlsClientError', () => {});
  } else if (entry.kind === 'silent') {
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
  } else {
    server = net.createServer((s) => s.end());
  }
  server.on('error', (err) => {
    process.stderr.write(`${entry.host}:${entry.port} ${err.message}\n`);
    process.exit(1);
  });
  server.listen({ host: entry.host, port: entry.port }, () => {
    open += 1;
    if (open === spec.length) process.stdout.write('ready\n');
  });
}
