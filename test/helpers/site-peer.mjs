// The far ends of the check's flows, run inside a test's network namespace:
//   node site-peer.mjs '<json>'   -> listens on each entry, prints "ready"
// Entries: {"host","port","kind":"tls"|"tcp"|"silent","cert","key","alpn":[...],"requestCert":bool,"httpLog":file,"httpAnswer":text}
//   tls    : a TLS server (the CA decides whether the check trusts it); with httpLog, an
//            origin that answers each HTTP request (404, or httpAnswer) and appends
//            "host:port request-line" to the file
//   tcp    : accepts and closes (a port without TLS)
//   silent : accepts and never answers (an IPS that swallows the handshake)
import { appendFileSync, readFileSync } from 'node:fs';
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
      (s) => (entry.httpLog ? answerHttp(s, entry) : s.end()),
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

/** An origin web server behind a TLS-inspecting proxy: logs the request line, answers 404. */
function answerHttp(socket, entry) {
  let head = '';
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n') && head.length < 16384) return;
    appendFileSync(entry.httpLog, `${entry.host}:${entry.port} ${head.split('\r\n')[0]}\n`);
    socket.end(entry.httpAnswer ?? 'HTTP/1.1 404 Not Found\r\nServer: origin.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
}
