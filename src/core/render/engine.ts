// Handlebars, made safe per target. Handlebars escapes for HTML, which is the wrong
// escaping for every file we write, so a template may only print through the target's
// own escaping helpers, with triple-stash: `{{{xml descr}}}`. Anything else (a bare
// `{{value}}`, a partial, a helper that is not an escaper) is refused.
//
// The guard has two halves. The template's shape (triple-stash, one helper and one value,
// only #each/#if/#unless, no partials) is checked where it is parsed: at build time for the
// shipped templates (.ci/build/templates.mjs compiles them, so `render` loads handlebars'
// runtime and not its compiler), or here on first use for templates given as source (the
// tests). Which helpers it calls is checked here, against the engine's escapers, either way.
import type HandlebarsModule from 'handlebars';
import { InputError } from '../errors.js';

// Loaded by loadTemplateEngine, not imported: only `render` (and the app's rules step) use
// templates. The runtime runs compiled templates; the compiler (three times its size to
// load) is needed only for templates given as source.
let Runtime: typeof HandlebarsModule | undefined;
let Compiler: typeof HandlebarsModule | undefined;

/** One template, compiled at build time: handlebars' template specification, and each
 *  helper it calls with the line of its first call. */
export interface CompiledTemplate {
  readonly spec: object;
  readonly helpers: readonly (readonly [name: string, line: number])[];
}

/** Templates of one target, by file name (e.g. `rules.hbs`): sources, or compiled. */
export type TemplateSet = Readonly<Record<string, string | CompiledTemplate>>;

/** Template sources of one target, by file name. */
export type TemplateSources = Readonly<Record<string, string>>;

/** How every template is compiled: a missing field is an error, not an empty string. */
const COMPILE_OPTIONS = { strict: true } as const;

/** Loads handlebars once: the runtime, and the compiler too where `templates` (all, when
 *  not given) holds sources. Call (await) before createEngine or the guard; renderTarget does. */
export async function loadTemplateEngine(templates?: TemplateSet): Promise<void> {
  if (templates === undefined || Object.values(templates).some((t) => typeof t === 'string')) {
    Compiler ??= (await import('handlebars')).default;
  }
  // handlebars/runtime's own typings declare nothing; it is handlebars less parse/compile/precompile.
  Runtime ??= Compiler ?? ((await import('handlebars/runtime.js')) as unknown as { default: typeof HandlebarsModule }).default;
}

function compiler(): typeof HandlebarsModule {
  if (!Compiler) throw new Error('the template compiler is not loaded (loadTemplateEngine)');
  return Compiler;
}

/** Turns one value into text that is safe in the target's syntax, or throws RenderError. */
export type Escaper = (value: unknown) => string;

/** User or catalogue text that the target's syntax cannot carry safely. */
export class RenderError extends InputError {
  override name = 'RenderError';
}

const BLOCKS = new Set(['each', 'if', 'unless']);

export interface Engine {
  render(name: string, data: object): string;
}

export function createEngine(target: string, templates: TemplateSet, escapers: Record<string, Escaper>): Engine {
  const names = new Set(Object.keys(escapers));
  let hb: typeof HandlebarsModule | undefined;
  const env = () => {
    if (!hb) {
      if (!Runtime) throw new Error('the template engine is not loaded (loadTemplateEngine)');
      hb = (Compiler ?? Runtime).create();
      for (const [name, escaper] of Object.entries(escapers)) hb.registerHelper(name, (value: unknown) => escaper(value));
    }
    return hb;
  };
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return {
    render(name, data) {
      let fn = compiled.get(name);
      if (!fn) {
        const where = `${target}/${name}`;
        const template = Object.hasOwn(templates, name) ? templates[name] : undefined;
        if (template === undefined) throw new Error(`template ${where} is missing`);
        if (typeof template === 'string') {
          // Parsed once: the checked tree is the one compiled.
          const ast = assertSafeTemplate(where, template, names);
          fn = env().compile(ast, COMPILE_OPTIONS);
        } else {
          assertEscapers(where, template.helpers, names);
          fn = env().template(template.spec as TemplateSpecification);
        }
        compiled.set(name, fn);
      }
      return fn(data);
    },
  };
}

/** Throws unless every helper the template calls is one of `escapers`. */
function assertEscapers(where: string, helpers: CompiledTemplate['helpers'], escapers: ReadonlySet<string>): void {
  for (const [name, line] of helpers) {
    if (!escapers.has(name)) throw new Error(`template ${where}, line ${line}: {{{${name} ...}}} is not one of its escapers: ${[...escapers].join(', ')}`);
  }
}

/** Throws unless every value the template prints goes through one of `escapers`; returns the parsed template. */
export function assertSafeTemplate(where: string, source: string, escapers: ReadonlySet<string>): hbs.AST.Program {
  const { ast, helpers } = checkTemplate(where, source);
  assertEscapers(where, helpers, escapers);
  return ast;
}

/** A template's code for a generated ES module (.ci/build/templates.mjs): its shape checked, compiled. */
export function precompileTemplate(where: string, source: string): string {
  const { ast, helpers } = checkTemplate(where, source);
  return `{ helpers: ${JSON.stringify(helpers)}, spec: ${compiler().precompile(ast, COMPILE_OPTIONS)} }`;
}

type Node = hbs.AST.Node;

/** A helper's name as a template may call it: a plain word (no path, no @data). */
const HELPER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Parses a template and checks its shape; returns the tree and the helpers it prints through. */
function checkTemplate(where: string, source: string): { ast: hbs.AST.Program; helpers: [string, number][] } {
  const helpers = new Map<string, number>();
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
        if (m.escaped) fail(node, `{{${helper}}} uses HTML escaping; print through an escaper: {{{escaper value}}}`);
        if (!HELPER.test(helper) || m.params.length !== 1 || (m.hash?.pairs.length ?? 0) > 0) {
          fail(node, `{{{${helper} ...}}} must call exactly one escaper with one value: {{{escaper value}}}`);
        }
        params(node, m.params);
        if (!helpers.has(helper)) helpers.set(helper, node.loc.start.line);
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
  const ast = compiler().parse(source);
  walk(ast);
  return { ast, helpers: [...helpers] };
}
