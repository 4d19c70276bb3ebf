import { Box, Text } from 'ink';
import type { CheckOutput } from '../../core/check/output.js';
import type { FlowProgress } from '../../core/check/progress.js';
import { dnsServerText } from '../../core/profile.js';
import type { DnsServer } from '../../core/site.js';
import type { CheckStep } from '../state/check-step.js';
import { windowAround } from '../state/cursor.js';
import { type Line, SAVE_ROWS, checkLines, clip, flowDetailLines, flowDetailRows, flowListRows, resultWindowRows } from '../text-layout.js';
import { escapeUnsafe } from '../../core/text.js';
import { type SavePrompt, promptOpen } from '../state/save-prompt.js';
import { TextInput } from './TextInput.js';
import type { SiteValues } from '../state/site.js';
import { Painted } from './Painted.js';
import { ScrollLines } from './ScrollLines.js';

export interface CheckViewProps {
  step: CheckStep;
  values: SiteValues | null;
  flows: number;
  defaultResolver: DnsServer | null;
  timeoutMs: number;
  width: number;
  rows: number;
}

export function CheckView(props: CheckViewProps) {
  const { step, width, rows } = props;
  if (step.phase === 'running' && step.progress) {
    const p = step.progress;
    // Follow the first flow still under way, so the live ones stay in view.
    const first = Math.max(
      0,
      p.flows.findIndex((f) => f.phase !== 'done'),
    );
    const win = windowAround(first, p.flows.length, resultWindowRows(rows));
    return (
      <Box flexDirection="column">
        <Painted tone="title">{`Checking: ${p.done} of ${p.flows.length} done, ${p.failed} failed`}</Painted>
        <Text> </Text>
        {p.flows.slice(win.start, win.end).map((f, i) => (
          <ProgressRow key={win.start + i} flow={f} width={width} />
        ))}
      </Box>
    );
  }
  if (step.phase === 'done' && step.output && step.pane === 'flow') {
    return (
      <Box flexDirection="column">
        <FlowDetail step={step} output={step.output} width={width} rows={rows} />
        {step.save ? <RunSavePrompt save={step.save} width={width} /> : null}
      </Box>
    );
  }
  if (step.phase === 'done' && step.output) {
    return (
      <Box flexDirection="column">
        <Painted tone="title">Check results</Painted>
        <Text> </Text>
        <ScrollLines lines={checkLines(step.output, width)} top={step.scroll} height={resultWindowRows(rows, step.save ? SAVE_ROWS : 0)} />
        {step.save ? <RunSavePrompt save={step.save} width={width} /> : null}
      </Box>
    );
  }
  return <CheckReady {...props} />;
}

/** The flows with a cursor, and the one under it in full below. */
function FlowDetail({ step, output, width, rows }: { step: CheckStep; output: CheckOutput; width: number; rows: number }) {
  const n = output.results.length;
  const less = step.save ? SAVE_ROWS : 0;
  const win = windowAround(step.flow, n, flowListRows(rows, n, less));
  return (
    <Box flexDirection="column">
      <Painted tone="title">{clip(`Check results: flow ${step.flow + 1} of ${n}`, width)}</Painted>
      <Text> </Text>
      {output.results.slice(win.start, win.end).map((r, i) => {
        const here = win.start + i === step.flow;
        const ok = r.status === 'ok';
        return (
          <Painted key={win.start + i} tone={here ? 'accent' : ok ? 'ok' : 'bad'}>
            {clip(`${here ? '›' : ' '} ${ok ? '✓' : '✗'} ${r.status.padEnd(13)} ${r.host}:${r.port}`, width)}
          </Painted>
        );
      })}
      <Text> </Text>
      <ScrollLines lines={flowDetailLines(output, step.flow, width)} top={step.detailScroll} height={flowDetailRows(rows, n, less)} keys="PgDn" />
    </Box>
  );
}

/** The run-save prompt under the verdict (SAVE_ROWS rows): the file, then what became of it. */
function RunSavePrompt({ save, width }: { save: SavePrompt; width: number }) {
  const message =
    save.phase === 'saved'
      ? { tone: 'ok' as const, text: `Saved the run to ${escapeUnsafe(save.savedTo ?? '')}: diff it with a later one` }
      : save.phase === 'confirm'
        ? { tone: 'warn' as const, text: `${escapeUnsafe(save.path.value)} is an earlier run. Replace it?` }
        : save.phase === 'failed'
          ? { tone: 'bad' as const, text: `✗ ${save.error ?? ''}` }
          : save.phase === 'saving'
            ? { tone: 'plain' as const, text: 'Saving…' }
            : { tone: 'muted' as const, text: 'The run as JSON, for emaint-egress diff and the report.' };
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={11} flexShrink={0}>
          <Painted tone="accent">› Run file</Painted>
        </Box>
        <TextInput field={save.path} focused={promptOpen(save)} />
      </Box>
      <Painted tone={message.tone}>{clip(message.text, width)}</Painted>
    </Box>
  );
}

function ProgressRow({ flow, width }: { flow: FlowProgress; width: number }) {
  const name = `${flow.host}:${flow.port}`;
  if (flow.phase === 'done' && flow.result) {
    const ok = flow.result.status === 'ok';
    return <Painted tone={ok ? 'ok' : 'bad'}>{clip(`${ok ? '✓' : '✗'} ${flow.result.status.padEnd(13)} ${name}`, width)}</Painted>;
  }
  return <Painted tone={flow.phase === 'queued' ? 'muted' : 'plain'}>{clip(`· ${`${flow.phase}…`.padEnd(13)} ${name}`, width)}</Painted>;
}

function CheckReady({ step, values, flows, defaultResolver, timeoutMs, width }: CheckViewProps) {
  const resolver = values?.dnsServer
    ? dnsServerText(values.dnsServer)
    : defaultResolver
      ? `${dnsServerText(defaultResolver)} (from /etc/resolv.conf)`
      : "the system's resolver";
  const route = values?.proxy ? `through the proxy ${values.proxy.text}${values.proxy.auth ? ` as ${values.proxy.auth.user}` : ''}` : 'direct';
  const lines: Line[] = [
    { text: 'Check from this network that every flow gets out: DNS, TCP, TLS.', tone: 'plain' },
    { text: '', tone: 'plain' },
    { text: `  Flows      ${flows}, all at once`, tone: 'plain' },
    { text: `  Resolver   ${resolver}`, tone: 'plain' },
    { text: `  Route      ${route}`, tone: 'plain' },
    { text: `  Timeout    ${timeoutMs} ms per phase`, tone: 'plain' },
    { text: '', tone: 'plain' },
    { text: 'Run it from the site: on the devices\u2019 network, behind the same firewall.', tone: 'muted' },
    { text: 'Writing an allow-list elsewhere? Skip to the rules with s.', tone: 'muted' },
  ];
  if (step.phase === 'failed' && step.error) lines.push({ text: '', tone: 'plain' }, { text: `✗ the check could not run: ${step.error}`, tone: 'bad' });
  return (
    <Box flexDirection="column">
      <Painted tone="title">Check</Painted>
      {lines.map((l, i) => (
        <Painted key={i} tone={l.tone}>
          {clip(l.text, width) || ' '}
        </Painted>
      ))}
    </Box>
  );
}
