// The exporter's HTTP server (node:http): GET only, small bounded requests, a bounded
// number of connections, plain-text answers that never echo what was asked. The pages
// come from `answer`; this module only carries them.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export type Answerer = (url: URL, req: IncomingMessage) => Promise<Reply>;

export const TEXT = 'text/plain; charset=utf-8';

/** Connections held at once: scrapers (a few Prometheus servers) and a person with curl. */
const MAX_CONNECTIONS = 64;
/** A request is a GET line and a few headers: 8 KiB, received within 10 s. */
const MAX_HEADER_BYTES = 8192;
const REQUEST_TIMEOUT_MS = 10_000;

export interface Listening {
  server: Server;
  /** host:port as bound (the port chosen when 0 was asked). */
  address: string;
  /** Stops taking connections; answers under way finish, with Connection: close. */
  close(): Promise<void>;
  /** Ends every connection at once (after the grace time). */
  destroy(): void;
}

export function listen(host: string, port: number, answer: Answerer, onError: (err: unknown) => Reply): Promise<Listening> {
  let closing = false;
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    void serve(req, res);
  });
  server.maxConnections = MAX_CONNECTIONS;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    if (req.method !== 'GET') {
      reply = { status: 405, contentType: TEXT, body: 'only GET is served here\n', headers: { Allow: 'GET' } };
    } else {
      try {
        reply = await answer(new URL(req.url ?? '/', 'http://exporter.invalid'), req);
      } catch (err) {
        reply = onError(err);
      }
    }
    if (res.destroyed) return;
    const body = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType,
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // A body we did not read (anything but GET) or a server on its way out: do not reuse the connection.
      ...(req.method !== 'GET' || closing ? { Connection: 'close' } : {}),
      ...reply.headers,
    });
    res.end(body);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const shown = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
      resolve({
        server,
        address: shown,
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            server.close(() => done());
            server.closeIdleConnections();
          }),
        destroy: () => server.closeAllConnections(),
      });
    });
  });
}
