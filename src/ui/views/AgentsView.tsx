import { Box } from 'ink';
import { AGENTS_HINT, type AgentsStep, isChosen } from '../state/agents.js';
import { windowAround } from '../state/cursor.js';
import { clip } from '../text-layout.js';
import { Painted } from './Painted.js';
import { ErrorLine, Paragraph } from './Paragraph.js';

/** Rows besides the list: title, blank, description (2), blank, hint (3), error. */
const OTHER_ROWS = 9;

export function AgentsView({ step, width, height }: { step: AgentsStep; width: number; height: number }) {
  const win = windowAround(step.cursor, step.rows.length, height - OTHER_ROWS);
  const rowsShown = win.above + win.below > 0 ? `, ${win.start + 1}–${win.end} of ${step.rows.length}` : '';
  const current = step.rows[step.cursor];
  // Option rows sit two columns in, as "+ id": the names still line up.
  const nameWidth = Math.max(...step.rows.map((r) => (r.kind === 'agent' ? r.id.length : r.id.length + 4)));
  return (
    <Box flexDirection="column">
      <Painted tone="title">{`Which agents are in use? (${step.agents.length} chosen${rowsShown})`}</Painted>
      {step.rows.slice(win.start, win.end).map((row, i) => {
        const index = win.start + i;
        const here = index === step.cursor;
        const box = isChosen(step, row) ? '[x]' : '[ ]';
        const id = row.kind === 'agent' ? row.id.padEnd(nameWidth) : `+ ${row.id}`.padEnd(nameWidth - 2);
        const text = `${here ? '›' : ' '} ${row.kind === 'option' ? '  ' : ''}${box} ${id}  ${row.name}`;
        return (
          <Painted key={row.kind + row.id} tone={here ? 'accent' : 'plain'}>
            {clip(text, width)}
          </Painted>
        );
      })}
      <Paragraph text={current?.description ?? ''} width={width} rows={2} />
      <Paragraph text={AGENTS_HINT} width={width} rows={3} tone="muted" />
      <ErrorLine message={step.error} />
    </Box>
  );
}
