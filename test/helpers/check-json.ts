// What `check --json` prints, as the tests read it, and a lookup of one flow's result.
export interface JsonProbe {
  httpStatus: number | null;
  server: string | null;
  proxyError: string | null;
  denied: boolean;
  marked: boolean;
}

export interface JsonResult {
  host: string;
  port: number;
  status: string;
  detail: string;
  addresses: string[];
  untried: number;
  attempts: { address: string; result: string }[];
  issuer: string | null;
  alpn: string | null;
  tlsVersion: string | null;
  expires: string | null;
  route: string;
  agents: string[];
  dns: {
    server: string;
    chain: string[];
    ttl: number | null;
    special: { address: string; range: string }[];
    sinkhole: { address: string; range: string }[];
    failures: { type: string; reason: string }[];
  } | null;
  timings: { dns: number | null; connect: number | null; tls: number | null };
  dnsProblem?: string;
  localProblem?: string;
  proxyProblem?: string;
  proxyStatus?: number;
  proxyAuthSchemes?: string[];
  probe?: JsonProbe;
}

export interface JsonCause {
  status: string;
  cause: string;
  fix: string;
  flows: string[];
}

export interface JsonOut {
  results: JsonResult[];
  summary: { total: number; ok: number; failed: number; resolver: string; causes: JsonCause[]; warnings: Omit<JsonCause, 'status'>[] };
}

/** The result of one flow; fails the test when there is none. */
export function resultOf(out: JsonOut, host: string, port = 443): JsonResult {
  const r = out.results.find((x) => x.host === host && x.port === port);
  if (!r) throw new Error(`no result for ${host}:${port}`);
  return r;
}
