// Reads a target's template set: templates/<target>/*.hbs, or the executable's embedded copy.
import type { TemplateSet } from '../core/render/engine.js';
import { readTemplateFolder, shippedTemplates } from './shipped.js';

/** The target's templates; `dir` (tests): another templates/ folder. */
export function loadTemplates(target: string, dir?: string): TemplateSet {
  return dir === undefined ? shippedTemplates(target) : readTemplateFolder(`${dir}${target}/`);
}
