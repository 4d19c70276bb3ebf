// A paragraph wrapped to the width in a box of fixed height (so the screen does not jump
// as the text under it changes), and the one-line error under a step.
import { Box, Text } from 'ink';
import { type Tone, wrapLines } from '../text-layout.js';
import { Painted } from './Painted.js';

export function Paragraph({ text, width, rows, tone = 'plain' }: { text: string; width: number; rows: number; tone?: Tone }) {
  return (
    <Box marginTop={1} flexDirection="column" height={rows}>
      {wrapLines(text, width, rows).map((l, i) => (
        <Painted key={i} tone={tone}>
          {l}
        </Painted>
      ))}
    </Box>
  );
}

/** The step's error, or an empty line in its place. */
export function ErrorLine({ message }: { message: string | null }) {
  return message ? <Painted tone="bad">{`✗ ${message}`}</Painted> : <Text> </Text>;
}
