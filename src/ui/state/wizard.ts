// The app's state: five steps and the end, as one pure reducer over the steps' own
// reducers. The app turns keys into these actions (keys.ts) and runs the side effects
// (check, writing files, saving the profile) when a step's phase asks for them.
import type { Catalogue } from '../../core/catalogue.js';
import { InputError } from '../../core/errors.js';
import { type Plan, plan } from '../../core/planner.js';
import type { SiteAnswers } from '../../core/profile.js';
import type { SiteEndpoint } from '../../core/site-endpoints.js';
import type { TargetSettings } from '../../core/render/options.js';
import { DEFAULT_IOT_PORT, DEFAULT_MODE } from '../../core/rules.js';
import { type AgentsAction, type AgentsStep, agentsReducer, agentsStep } from './agents.js';
import { type CheckAction, type CheckStep, checkReducer, checkStep } from './check-step.js';
import { type KeyPress, type Size, keyAction } from './keys.js';
import { type PlanAction, type PlanStep, planReducer, planStep } from './plan-step.js';
import { type DoneAction, type DoneStep, type Written, doneReducer, doneStep } from './done.js';
import { type RulesAction, type RulesStep, rulesReducer, rulesStep } from './target-choice.js';
import { settingsOf } from './target-settings.js';
import { FIELDS, type SiteAction, type SiteStep, type SiteValues, checkSite, siteReducer, siteStep } from './site.js';

export type StepId = 'agents' | 'site' | 'plan' | 'check' | 'rules' | 'done';

/** The steps the user walks through, as the header shows them. */
export const STEPS: readonly { id: StepId; title: string }[] = [
  { id: 'agents', title: 'Agents' },
  { id: 'site', title: 'Site' },
  { id: 'plan', title: 'Plan' },
  { id: 'check', title: 'Check' },
  { id: 'rules', title: 'Rules' },
];

export interface WizardState {
  catalogue: Catalogue;
  envPassword: string | undefined;
  /** The profile the app was started with: saving goes back to it without asking. */
  loadedProfile: string | null;
  /** The site's own endpoints, from the profile: planned, checked and written with the rest. */
  endpoints: SiteEndpoint[];
  step: StepId;
  agents: AgentsStep;
  site: SiteStep;
  /** Made when the agents are chosen. */
  plan: Plan | null;
  planStep: PlanStep;
  /** The site answers, once valid. */
  values: SiteValues | null;
  check: CheckStep;
  rules: RulesStep;
  /** Each target's own settings (from a profile, edited on the rules step): the valid ones
   *  that differ from the defaults, used for the files and saved back. */
  settings: TargetSettings;
  done: DoneStep;
}

export type WizardAction =
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'agents'; action: AgentsAction }
  | { type: 'site'; action: SiteAction }
  | { type: 'plan'; action: PlanAction }
  | { type: 'check'; action: CheckAction }
  | { type: 'rerun' }
  | { type: 'skip' }
  | { type: 'rules'; action: RulesAction }
  | { type: 'written'; written: Written }
  | { type: 'done'; action: DoneAction }
  /** A key, mapped against the state it arrives in (keys typed faster than the screen
   *  redraws must not be read against an older step). */
  | { type: 'key'; input: string; key: KeyPress; size: Size };

export interface WizardStart {
  catalogue: Catalogue;
  /** From --profile, or --agents: the answers to start from. */
  answers: Partial<SiteAnswers> | null;
  loadedProfile: string | null;
  envPassword: string | undefined;
}

export function initialWizard({ catalogue, answers, loadedProfile, envPassword }: WizardStart): WizardState {
  const a = answers ?? {};
  return {
    catalogue,
    envPassword,
    loadedProfile,
    endpoints: a.endpoints ?? [],
    step: 'agents',
    agents: agentsStep(catalogue, a.agents ?? [], a.options ?? []),
    site: siteStep({
      site: a.site ?? null,
      sources: a.sources ?? [],
      proxy: a.proxy ?? null,
      dnsServer: a.dnsServer ?? null,
      mode: a.mode ?? DEFAULT_MODE,
      iotPort: a.iotPort ?? DEFAULT_IOT_PORT,
    }),
    plan: null,
    planStep: planStep('exact'),
    values: null,
    check: checkStep,
    rules: rulesStep(a.targets ?? [], a.out ?? null, a.settings ?? {}),
    settings: a.settings ?? {},
    done: doneStep(null, loadedProfile),
  };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'next':
      return next(state);
    case 'back':
      return back(state);
    case 'agents':
      return { ...state, agents: agentsReducer(state.agents, action.action) };
    case 'site':
      return { ...state, site: siteReducer(state.site, action.action) };
    case 'plan':
      return { ...state, planStep: planReducer(state.planStep, action.action) };
    case 'check':
      return { ...state, check: checkReducer(state.check, action.action) };
    case 'rerun':
      if (state.step !== 'check' || !state.plan || state.check.phase === 'running') return state;
      return { ...state, check: checkReducer(state.check, { type: 'run', flows: state.plan.flows }) };
    case 'skip':
      return state.step === 'check' && state.check.phase !== 'running' ? { ...state, step: 'rules' } : state;
    case 'rules': {
      const rules = rulesReducer(state.rules, action.action);
      return { ...state, rules, settings: rules.settings === state.rules.settings ? state.settings : settingsOf(rules.settings) };
    }
    case 'written':
      return { ...state, step: 'done', rules: { ...state.rules, phase: 'choose', force: false }, done: doneStep(action.written, state.done.save.path.value) };
    case 'done':
      return { ...state, done: doneReducer(state.done, action.action) };
    case 'key': {
      const mapped = keyAction(state, action.input, action.key, action.size);
      return mapped === null || mapped.type === 'quit' || mapped.type === 'suspend' ? state : wizardReducer(state, mapped);
    }
  }
}

function next(state: WizardState): WizardState {
  switch (state.step) {
    case 'agents': {
      const { agents, options } = state.agents;
      if (agents.length === 0) return { ...state, agents: { ...state.agents, error: 'choose at least one agent: space selects the one under the cursor' } };
      try {
        return { ...state, step: 'site', plan: plan(state.catalogue, { agents, options, endpoints: state.endpoints }), planStep: planStep('exact') };
      } catch (err) {
        if (err instanceof InputError) return { ...state, agents: { ...state.agents, error: err.message } };
        throw err;
      }
    }
    case 'site': {
      const checked = checkSite(state.site, { catalogue: state.catalogue, plan: state.plan, envPassword: state.envPassword });
      if (!checked.ok) {
        const first = FIELDS.findIndex((f) => checked.errors[f.id] !== undefined);
        return { ...state, site: { ...state.site, focus: first, error: 'fix the marked field first' } };
      }
      // New answers make an earlier check's verdict stale.
      return {
        ...state,
        step: 'plan',
        values: checked.values,
        planStep: { ...planStep(checked.values.mode), cursor: state.planStep.cursor },
        check: { ...checkStep, runId: state.check.runId + 1 },
      };
    }
    case 'plan':
      return { ...state, step: 'check' };
    case 'check':
      if (state.check.phase === 'running') return state;
      if (state.check.phase === 'done') return { ...state, step: 'rules' };
      return wizardReducer(state, { type: 'rerun' });
    case 'rules':
      if (state.rules.phase === 'writing') return state;
      if (state.rules.targets.length === 0) return { ...state, step: 'done', done: doneStep(null, state.done.save.path.value) };
      return { ...state, rules: rulesReducer(state.rules, { type: 'write' }) };
    case 'done':
      if (state.done.save.phase === 'saving' || state.done.save.phase === 'saved') return state;
      return { ...state, done: doneReducer(state.done, { type: 'save' }) };
  }
}

function back(state: WizardState): WizardState {
  switch (state.step) {
    case 'agents':
      return state;
    case 'site':
      return { ...state, step: 'agents' };
    case 'plan':
      return { ...state, step: 'site' };
    case 'check':
      if (state.check.phase === 'running') return { ...state, check: checkReducer(state.check, { type: 'abandon' }) };
      return { ...state, step: 'plan' };
    case 'rules':
      if (state.rules.phase === 'confirm') return { ...state, rules: rulesReducer(state.rules, { type: 'cancel' }) };
      if (state.rules.phase === 'writing') return state;
      return { ...state, step: 'check' };
    case 'done':
      if (state.done.save.phase === 'saving') return state;
      return { ...state, step: 'rules' };
  }
}

/** Everything answered so far, as a profile holds it; null before the site details are valid. */
export function answersOf(state: WizardState): SiteAnswers | null {
  const v = state.values;
  if (!v) return null;
  return {
    site: v.site,
    agents: state.agents.agents,
    options: state.agents.options,
    sources: v.sources,
    proxy: v.proxyText,
    dnsServer: v.dnsServer,
    mode: v.mode,
    iotPort: v.iotPort,
    targets: state.rules.targets,
    settings: state.settings,
    out: state.rules.out.value.trim() === '' ? null : state.rules.out.value.trim(),
    endpoints: state.endpoints,
  };
}
