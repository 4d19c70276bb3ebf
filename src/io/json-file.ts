// A JSON document from a file the user names (a saved run, a catalogue): bounded, a byte-order
// mark allowed, and every problem one line that never quotes the file's text (the parser's
// own message does, and a file typed by hand may hold a secret).
import { readFileSync, statSync } from 'node:fs';

export interface JsonFileSpec {
  /** Begins every message ("run site.json"); empty where the caller names the file itself. */
  where: string;
  maxBytes: number;
  /** Said after the size limit, e.g. "; a catalogue is a small JSON file". */
  tooLarge?: string;
  /** The error each problem is thrown as. */
  error: (message: string) => Error;
}

export function readJsonDocument(path: string, spec: JsonFileSpec): unknown {
  const lead = spec.where === '' ? '' : `${spec.where} `;
  let text: string;
  let failed: Error | null = null;
  try {
    const st = statSync(path);
    if (!st.isFile()) failed = spec.error(`${lead}is not a file`);
    else if (st.size > spec.maxBytes) failed = spec.error(`${lead}is larger than ${sizeText(spec.maxBytes)}${spec.tooLarge ?? ''}`);
    text = failed === null ? readFileSync(path, 'utf8') : '';
  } catch (err) {
    throw spec.error(`${spec.where === '' ? '' : `${spec.where}: `}cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (failed !== null) throw failed;
  try {
    // Editors on Windows may save a byte-order mark first.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message)?.[1];
    // A parse that stops at the very end: the file was cut short (a full disk, a copy stopped).
    const end = /end of JSON/i.test(message) || (at !== undefined && Number(at) >= text.trimEnd().length);
    const hint = end ? ' (cut short?)' : at !== undefined ? ` (at character ${Number(at) + 1})` : '';
    throw spec.error(`${lead}is not valid JSON${hint}`);
  }
}

/** 4194304 -> "4 MiB", 262144 -> "256 KiB". */
function sizeText(bytes: number): string {
  const mib = 1024 * 1024;
  return bytes >= mib && bytes % mib === 0 ? `${bytes / mib} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
