// Reads a target's template set from templates/<target>/*.hbs.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TemplateSet } from '../core/render/engine.js';

/** templates/, found from this module both in src/ (tests) and dist/ (built). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export function loadTemplates(target: string, dir: string = TEMPLATES_DIR): TemplateSet {
  const folder = `${dir}${target}/`;
  const out: Record<string, string> = {};
  for (const name of readdirSync(folder)) {
    if (name.endsWith('.hbs')) out[name] = readFileSync(`${folder}${name}`, 'utf8');
  }
  return out;
}
