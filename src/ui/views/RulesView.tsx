import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { targets as renderTargets } from '../../core/render/index.js';
import type { TargetOption } from '../../core/render/options.js';
import { TARGETS } from '../../core/render/target.js';
import { escapeUnsafe } from '../../core/text.js';
import { windowAround } from '../state/cursor.js';
import { type Line, clip, wrapLines } from '../text-layout.js';
import type { RulesStep } from '../state/target-choice.js';
import { type SettingRow, choiceValues, currentChoice, settingError, settingRows, settingText } from '../state/target-settings.js';
import { Painted } from './Painted.js';
import { TextInput } from './TextInput.js';

const TARGET_WIDTH = 11;
const LABEL_WIDTH = 19;

export interface RulesViewProps {
  step: RulesStep;
  /** The site's proxy without credentials (http://host:port): a proxy setting's default. */
  siteProxy: string | null;
  width: number;
  height: number;
}

/**
 * The targets, the chosen ones' settings and the folder in `height` rows. With the settings
 * focused the target list gives its rows to them; the settings scroll around the cursor.
 */
export function RulesView({ step, siteProxy, width, height }: RulesViewProps) {
  const rows = settingRows(step.targets);
  const message = messageLines(step, width);
  const editing = step.focus === 'settings';
  if (editing) {
    const focused = rows[step.setting];
    const help = focused ? wrapLines(focused.option.help, width, 2) : [];
    // Title, help and its blank, folder, message.
    const room = height - 1 - (help.length + 1) - 1 - message.length;
    return (
      <Box flexDirection="column">
        <Painted tone="title">{clip(`Rules: the chosen targets' settings (${step.setting + 1} of ${rows.length})`, width)}</Painted>
        <Settings step={step} rows={rows} siteProxy={siteProxy} width={width} room={room} />
        <Text> </Text>
        {help.map((l, i) => (
          <Painted key={i} tone="muted">
            {l}
          </Painted>
        ))}
        <Folder step={step} />
        <Message lines={message} />
      </Box>
    );
  }
  // Title, targets, folder and where the files go, message; blanks and the settings where there is room.
  // On a short terminal the target list scrolls around the cursor, so the title always shows.
  const list = windowAround(step.cursor, TARGETS.length, height - (1 + 2 + message.length));
  const fixed = 1 + (list.end - list.start) + 2 + message.length;
  const blanks = height - fixed >= 5;
  const room = height - fixed - (blanks ? 2 : 0) - 1;
  const inTargets = step.focus === 'targets';
  const shown = list.above + list.below > 0 ? `, ${list.start + 1}–${list.end} of ${TARGETS.length}` : '';
  return (
    <Box flexDirection="column">
      <Painted tone="title">{clip(`Rules: choose targets (${step.targets.length} chosen${shown}); each gets its own folder`, width)}</Painted>
      {TARGETS.slice(list.start, list.end).map((t, j) => {
        const i = list.start + j;
        const here = inTargets && i === step.cursor;
        return (
          <Painted key={t} tone={here ? 'accent' : 'plain'}>
            {clip(`${here ? '›' : ' '} ${step.targets.includes(t) ? '[x]' : '[ ]'} ${t.padEnd(9)} ${renderTargets[t].title}`, width)}
          </Painted>
        );
      })}
      {blanks ? <Text> </Text> : null}
      {rows.length > 0 && room >= 0 ? (
        <>
          <Painted tone="muted">{clip(`Settings (${rows.length}): tab to change them`, width)}</Painted>
          {room > 0 ? <Settings step={step} rows={rows} siteProxy={siteProxy} width={width} room={room} /> : null}
        </>
      ) : null}
      {blanks ? <Text> </Text> : null}
      <Folder step={step} />
      <Painted tone="muted">{clip(`  files go to ${escapeUnsafe(step.out.value.trim() || '…')}/<target>/`, width)}</Painted>
      <Message lines={message} />
    </Box>
  );
}

function Folder({ step }: { step: RulesStep }) {
  const here = step.focus === 'out';
  return (
    <Box>
      <Box width={10} flexShrink={0}>
        <Painted tone={here ? 'accent' : 'plain'}>{`${here ? '›' : ' '} Folder`}</Painted>
      </Box>
      <TextInput field={step.out} focused={here} />
    </Box>
  );
}

/** What the empty field means: the option's default, the site's proxy, or no value. */
function placeholder(option: TargetOption, siteProxy: string | null): string {
  // The proxy a target names defaults to the site's, as the files are rendered.
  if (option.field === 'proxy' && siteProxy !== null) return `(default: site proxy ${siteProxy})`;
  if (option.fallback !== null) return `(default: ${option.fallback})`;
  return option.required ? '(none: needed; give one here or a site proxy)' : '(none)';
}

/** The settings as rows of lines (a bad value's message under it), in a window around the cursor. */
function Settings({ step, rows, siteProxy, width, room }: { step: RulesStep; rows: SettingRow[]; siteProxy: string | null; width: number; room: number }) {
  const editing = step.focus === 'settings';
  const lines: { row: number; node: ReactNode }[] = [];
  rows.forEach((row, i) => {
    const here = editing && i === step.setting;
    const field = settingText(step.settings, row);
    lines.push({
      row: i,
      node: (
        <Box key={`${row.target}.${row.option.name}`}>
          <Box width={TARGET_WIDTH + 2} flexShrink={0}>
            <Painted tone={here ? 'accent' : 'plain'}>{`${here ? '›' : ' '} ${row.first ? row.target : ''}`}</Painted>
          </Box>
          <Box width={LABEL_WIDTH} flexShrink={0}>
            <Painted tone={here ? 'accent' : 'plain'}>{row.option.label}</Painted>
          </Box>
          {row.option.choices !== undefined ? (
            <Choice option={row.option} text={field.value} />
          ) : (
            <TextInput field={field} focused={here} placeholder={placeholder(row.option, siteProxy)} />
          )}
        </Box>
      ),
    });
    const error = settingError(row.option, field.value);
    if (error === null) return;
    const indent = TARGET_WIDTH + 2;
    wrapLines(`✗ ${error}`, width - indent, 2).forEach((l, j) => {
      lines.push({
        row: i,
        node: (
          <Painted key={`${row.target}.${row.option.name}.${j}`} tone="bad">
            {`${' '.repeat(indent)}${j > 0 ? '  ' : ''}${l}`}
          </Painted>
        ),
      });
    });
  });
  // The window keeps the cursor's row and its message in view.
  const first = lines.findIndex((l) => l.row === step.setting);
  const last = lines.findLastIndex((l) => l.row === step.setting);
  const w = windowAround(Math.floor((first + last) / 2), lines.length, room);
  return <Box flexDirection="column">{lines.slice(w.start, w.end).map((l) => l.node)}</Box>;
}

/** A choice as the site step shows one: the current value in brackets, marked when it is the default. */
function Choice({ option, text }: { option: TargetOption; text: string }) {
  const current = currentChoice(option, text);
  const shown = choiceValues(option).map((v) => {
    const name = v === '' ? 'none' : v;
    return v === current ? `[${name}]` : ` ${name} `;
  });
  return (
    <Text wrap="truncate-end">
      {shown.join(' ')}
      {current === (option.fallback ?? '') ? <Painted tone="muted"> (default)</Painted> : null}
    </Text>
  );
}

function Message({ lines }: { lines: Line[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Painted key={i} tone={l.tone}>
          {l.text}
        </Painted>
      ))}
    </Box>
  );
}

function messageLines(step: RulesStep, width: number): Line[] {
  if (step.phase === 'writing') return [{ text: 'Writing the files…', tone: 'plain' }];
  if (step.phase === 'confirm') {
    const n = step.existing.length;
    const lines: Line[] = [{ text: n === 1 ? '1 file already exists. Replace it?' : `${n} files already exist. Replace them?`, tone: 'warn' }];
    lines.push(...step.existing.slice(0, 3).map((p) => ({ text: clip(`  ${escapeUnsafe(p)}`, width), tone: 'plain' as const })));
    if (n > 3) lines.push({ text: `  and ${n - 3} more`, tone: 'plain' });
    return lines;
  }
  if (step.error) return wrapLines(`✗ ${step.error}`, width, 3).map((text) => ({ text, tone: 'bad' }));
  if (step.targets.length === 0) return [{ text: 'No target chosen: enter goes on without writing rules.', tone: 'muted' }];
  return [{ text: ' ', tone: 'plain' }];
}
