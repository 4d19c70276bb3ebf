// The chosen targets' own settings on the rules step, derived from each target's declared
// options (core/render/options.ts): a target that declares a new option gets a field here
// with no change to the app. Text as typed, '' for the default; checked with the option's
// own parser, so the app accepts exactly what `render` and a profile accept. Pure.
import { InputError } from '../../core/errors.js';
import { targets } from '../../core/render/index.js';
import type { TargetOption, TargetSettings } from '../../core/render/options.js';
import { TARGETS, type TargetId } from '../../core/render/target.js';
import { fieldMessage } from './site.js';
import { type TextAction, type TextField, textField, textReducer } from './text-field.js';

/** Per target, per option name, the text as typed. */
export type SettingFields = Readonly<Record<TargetId, Readonly<Record<string, TextField>>>>;

/** One setting as the step lists it. */
export interface SettingRow {
  target: TargetId;
  option: TargetOption;
  /** The first of its target's rows (the view names the target there). */
  first: boolean;
}

export function settingFields(settings: TargetSettings): SettingFields {
  const out = {} as Record<TargetId, Record<string, TextField>>;
  for (const t of TARGETS) {
    out[t] = Object.fromEntries(targets[t].options.map((o) => [o.name, textField(settings[t]?.[o.name] ?? '')]));
  }
  return out;
}

/** The chosen targets' settings, in the order of the targets and of their declarations. */
export function settingRows(chosen: readonly TargetId[]): SettingRow[] {
  return TARGETS.filter((t) => chosen.includes(t)).flatMap((t) => targets[t].options.map((option, i) => ({ target: t, option, first: i === 0 })));
}

export function settingText(fields: SettingFields, row: Pick<SettingRow, 'target' | 'option'>): TextField {
  return fields[row.target][row.option.name] ?? textField('');
}

/** What is wrong with the text, as the app words it under the label; null when fine or empty (the default). */
export function settingError(option: TargetOption, text: string): string | null {
  if (text.trim() === '') return null;
  try {
    option.parse(text, option.label);
    return null;
  } catch (err) {
    if (err instanceof InputError) return fieldMessage(err);
    throw err;
  }
}

/** The values a choice cycles through; '' is "no value" where the option has no default. */
export function choiceValues(option: TargetOption): readonly string[] {
  const choices = option.choices ?? [];
  return option.fallback === null ? ['', ...choices] : choices;
}

/** The choice shown as current: the text, or the default where it is empty. */
export function currentChoice(option: TargetOption, text: string): string {
  const v = text.trim().toLowerCase();
  return v === '' ? (option.fallback ?? '') : v;
}

export function editSetting(fields: SettingFields, row: SettingRow, action: TextAction): SettingFields {
  return { ...fields, [row.target]: { ...fields[row.target], [row.option.name]: textReducer(settingText(fields, row), action) } };
}

export function chooseSetting(fields: SettingFields, row: SettingRow, delta: 1 | -1): SettingFields {
  const list = choiceValues(row.option);
  if (list.length === 0) return fields;
  const at = list.indexOf(currentChoice(row.option, settingText(fields, row).value));
  const next = list[(at + delta + list.length) % list.length] ?? '';
  return { ...fields, [row.target]: { ...fields[row.target], [row.option.name]: textField(next) } };
}

/**
 * What a profile keeps: each valid setting that differs from its default, in the option's
 * canonical text (as `render --profile` reads it back). Empty or invalid text keeps the default.
 */
export function settingsOf(fields: SettingFields): TargetSettings {
  const out: TargetSettings = {};
  for (const t of TARGETS) {
    const kept: Record<string, string> = {};
    for (const o of targets[t].options) {
      const text = fields[t][o.name]?.value ?? '';
      if (text.trim() === '' || settingError(o, text) !== null) continue;
      const shown = o.show(o.parse(text, o.label) as never);
      const fallback = o.fallback === null ? null : o.show(o.parse(o.fallback, o.label) as never);
      if (shown !== null && shown !== fallback) kept[o.name] = shown;
    }
    if (Object.keys(kept).length > 0) out[t] = kept;
  }
  return out;
}
