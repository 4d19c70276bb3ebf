// A window of pre-wrapped lines (see text-layout.ts), starting at `top`.
import { Box } from 'ink';
import type { Line } from '../text-layout.js';
import { Painted } from './Painted.js';

/** `keys`: what scrolls further down, for the hint on the last row. */
export function ScrollLines({ lines, top, height, keys = '↓/PgDn' }: { lines: readonly Line[]; top: number; height: number; keys?: string }) {
  const start = Math.max(0, Math.min(top, lines.length - height));
  const shown = lines.slice(start, start + height);
  const below = lines.length - start - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
        <Painted key={i} tone={i === shown.length - 1 && below > 0 ? 'muted' : l.tone}>
          {i === shown.length - 1 && below > 0 ? `↓ ${below + 1} more lines (${keys})` : l.text || ' '}
        </Painted>
      ))}
    </Box>
  );
}
