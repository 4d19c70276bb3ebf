// Handlebars, made safe per target. Handlebars escapes for HTML, which is the wrong
// escaping for every file we write, so a template may only print through the target's
// own escaping helpers, with triple-stash: `{{{xml descr}}}`. Anything else (a bare
// `{{value}}`, a partial, a helper that is not an escaper) is refused when compiled.
import type HandlebarsModule from 'handlebars';
import { InputError } from '../errors.js';

// Loaded by loadTemplateEngine, not imported: only `render` (and the app's rules step) use
// templates, and handlebars is a quarter of Node's own start-up time to load.
let Handlebars: typeof HandlebarsModule | undefined;

/** Loads handlebars once; call (await) before createEngine or assertSafeTemplate. renderTarget does. */
export async function loadTemplateEngine(): Promise<void> {
  Handlebars ??= (await import('handlebars')).default;
}

function handlebars(): typeof HandlebarsModule {
  if (!Handlebars) throw new Error('the template engine is not loaded (loadTemplateEngine)');
  return Handlebars;
}

/** Turns one value into text that is safe in the target's syntax, or throws RenderError. */
export type Escaper = (value: unknown) => string;

/** User or catalogue text that the target's syntax cannot carry safely. */
export class RenderError extends InputError {
  override name = 'RenderError';
}

/** Template sources of one target, by file name (e.g. `rules.hbs`). */
export type TemplateSet = Readonly<Record<string, string>>;

const BLOCKS = new Set(['each', 'if', 'unless']);

export interface Engine {
  render(name: string, data: object): string;
}

export function createEngine(target: string, templates: TemplateSet, escapers: Record<string, Escaper>): Engine {
  const hb = handlebars().create();
  for (const [name, escaper] of Object.entries(escapers)) {
    hb.registerHelper(name, (value: unknown) => escaper(value));
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return {
    render(name, data) {
      let fn = compiled.get(name);
      if (!fn) {
        const source = templates[name];
        if (source === undefined) throw new Error(`template ${target}/${name} is missing`);
        // Parsed once: the checked tree is the one compiled.
        const ast = assertSafeTemplate(`${target}/${name}`, source, new Set(Object.keys(escapers)));
        fn = hb.compile(ast, { strict: true, noEscape: false });
        compiled.set(name, fn);
      }
      return fn(data);
    },
  };
}

type Node = hbs.AST.Node;

/** Throws unless every value the template prints goes through one of `escapers`; returns the parsed template. */
export function assertSafeTemplate(where: string, source: string, escapers: ReadonlySet<string>): hbs.AST.Program {
  const fail = (node: Node, why: string): never => {
    throw new Error(`template ${where}, line ${node.loc.start.line}: ${why}`);
  };
  const params = (node: Node, list: hbs.AST.Expression[]) => {
    for (const p of list) {
      if (p.type === 'SubExpression') fail(node, 'sub-expressions are not allowed');
    }
  };
  const walk = (node: Node): void => {
    switch (node.type) {
      case 'Program':
        for (const s of (node as hbs.AST.Program).body) walk(s);
        return;
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        const helper = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
        if (m.escaped) fail(node, `{{${helper}}} uses HTML escaping; print through an escaper: {{{${[...escapers].join('|')} value}}}`);
        if (!escapers.has(helper) || m.params.length !== 1 || (m.hash?.pairs.length ?? 0) > 0) {
          fail(node, `{{{${helper} ...}}} must call exactly one of ${[...escapers].join(', ')} with one value`);
        }
        params(node, m.params);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const helper = (b.path as hbs.AST.PathExpression).original;
        if (!BLOCKS.has(helper)) fail(node, `block helper #${helper} is not allowed; use ${[...BLOCKS].join(', ')}`);
        params(node, b.params);
        walk(b.program);
        if (b.inverse) walk(b.inverse);
        return;
      }
      default:
        fail(node, `${node.type} is not allowed in templates`);
    }
  };
  const ast = handlebars().parse(source);
  walk(ast);
  return ast;
}
