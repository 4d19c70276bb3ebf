import { Box, Text } from 'ink';
import { escapeUnsafe } from '../../core/text.js';
import type { DoneStep } from '../state/done.js';
import type { SavePrompt } from '../state/save-prompt.js';
import { clip, doneWindowRows, writtenLines } from '../text-layout.js';
import { Painted } from './Painted.js';
import { ScrollLines } from './ScrollLines.js';
import { TextInput } from './TextInput.js';

export function DoneView({ step, width, rows }: { step: DoneStep; width: number; rows: number }) {
  return (
    <Box flexDirection="column">
      <ScrollLines lines={writtenLines(step.written, width)} top={step.scroll} height={doneWindowRows(rows)} />
      <Text> </Text>
      <Painted tone="title">{clip('Save these answers as a site profile, to repeat this site later:', width)}</Painted>
      <Box>
        <Box width={10} flexShrink={0}>
          <Painted tone="accent">› Profile</Painted>
        </Box>
        <TextInput field={step.save.path} focused={step.save.phase !== 'saved'} />
      </Box>
      <DoneMessage save={step.save} width={width} />
    </Box>
  );
}

function DoneMessage({ save, width }: { save: SavePrompt; width: number }) {
  switch (save.phase) {
    case 'saving':
      return <Painted tone="plain">Saving…</Painted>;
    case 'confirm':
      return <Painted tone="warn">{clip(`${escapeUnsafe(save.path.value)} already exists. Replace it?`, width)}</Painted>;
    case 'saved':
      return <Painted tone="ok">{clip(`Saved. Next time: emaint-egress --profile ${escapeUnsafe(save.savedTo ?? '')}`, width)}</Painted>;
    case 'failed':
      return <Painted tone="bad">{clip(`✗ ${save.error ?? ''}`, width)}</Painted>;
    default:
      return <Text> </Text>;
  }
}
