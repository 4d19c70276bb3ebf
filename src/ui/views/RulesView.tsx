import { Box, Text } from 'ink';
import { targets as renderTargets } from '../../core/render/index.js';
import { TARGETS } from '../../core/render/target.js';
import { escapeUnsafe } from '../../core/text.js';
import { clip, wrapLines } from '../text-layout.js';
import type { RulesStep } from '../state/target-choice.js';
import { Painted } from './Painted.js';
import { TextInput } from './TextInput.js';

export function RulesView({ step, width }: { step: RulesStep; width: number }) {
  const inTargets = step.focus === 'targets';
  return (
    <Box flexDirection="column">
      <Painted tone="title">{clip(`Rules: choose targets (${step.targets.length} chosen); each gets its own folder`, width)}</Painted>
      {TARGETS.map((t, i) => {
        const here = inTargets && i === step.cursor;
        return (
          <Painted key={t} tone={here ? 'accent' : 'plain'}>
            {clip(`${here ? '›' : ' '} ${step.targets.includes(t) ? '[x]' : '[ ]'} ${t.padEnd(9)} ${renderTargets[t].title}`, width)}
          </Painted>
        );
      })}
      <Text> </Text>
      <Box>
        <Box width={10} flexShrink={0}>
          <Painted tone={inTargets ? 'plain' : 'accent'}>{`${inTargets ? ' ' : '›'} Folder`}</Painted>
        </Box>
        <TextInput field={step.out} focused={!inTargets} />
      </Box>
      <Painted tone="muted">{clip(`  files go to ${escapeUnsafe(step.out.value.trim() || '…')}/<target>/`, width)}</Painted>
      <Text> </Text>
      <RulesMessage step={step} width={width} />
    </Box>
  );
}

function RulesMessage({ step, width }: { step: RulesStep; width: number }) {
  if (step.phase === 'writing') return <Painted tone="plain">Writing the files…</Painted>;
  if (step.phase === 'confirm') {
    const n = step.existing.length;
    const shown = step.existing.slice(0, 3).map((p) => clip(`  ${escapeUnsafe(p)}`, width));
    if (n > 3) shown.push(`  and ${n - 3} more`);
    return (
      <Box flexDirection="column">
        <Painted tone="warn">{n === 1 ? '1 file already exists. Replace it?' : `${n} files already exist. Replace them?`}</Painted>
        {shown.map((l, i) => (
          <Painted key={i} tone="plain">
            {l}
          </Painted>
        ))}
      </Box>
    );
  }
  if (step.error) {
    return (
      <Box flexDirection="column">
        {wrapLines(`✗ ${step.error}`, width, 3).map((l, i) => (
          <Painted key={i} tone="bad">
            {l}
          </Painted>
        ))}
      </Box>
    );
  }
  if (step.targets.length === 0) return <Painted tone="muted">No target chosen: enter goes on without writing rules.</Painted>;
  return <Text> </Text>;
}
