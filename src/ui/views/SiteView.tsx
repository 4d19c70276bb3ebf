import { Box, Text } from 'ink';
import { dnsServerText } from '../../core/profile.js';
import type { DnsServer } from '../../core/site.js';
import { siteRows, wrapLines } from '../text-layout.js';
import { CHOICES, FIELDS, type FieldId, type SiteCheck, type SiteStep, isChoice } from '../state/site.js';
import { Painted } from './Painted.js';
import { ErrorLine, Paragraph } from './Paragraph.js';
import { TextInput } from './TextInput.js';

const LABEL_WIDTH = 18;

export interface SiteViewProps {
  step: SiteStep;
  checked: SiteCheck;
  defaultResolver: DnsServer | null;
  envPassword: boolean;
  width: number;
  /** The rows the step has (at least MIN_SIZE's): the errors and help fit in them (siteRows). */
  height: number;
}

/** At most this many lines of one field's error. */
const ERROR_LINES = 3;

export function SiteView({ step, checked, defaultResolver, envPassword, width, height }: SiteViewProps) {
  const errors = checked.ok ? {} : checked.errors;
  const placeholders: Record<FieldId, string> = {
    site: '(none)',
    sources: '(any source)',
    proxy: '(none: direct)',
    password: envPassword ? '(from $EMAINT_PROXY_PASSWORD)' : '(none)',
    dnsServer: defaultResolver ? `(default: ${dnsServerText(defaultResolver)}, from /etc/resolv.conf)` : "(default: the system's resolver)",
    mode: '',
    iotPort: '',
  };
  // Errors under the label column, continuation lines indented two more.
  const errorWidth = width - LABEL_WIDTH - 2;
  const errorText = (id: FieldId) => (errors[id] ? `✗ ${errors[id]}` : null);
  const layout = siteRows(
    height,
    step.focus,
    FIELDS.map((f) => {
      const text = errorText(f.id);
      return text === null ? 0 : wrapLines(text, errorWidth, ERROR_LINES).length;
    }),
  );
  const focused = FIELDS[step.focus]?.id;
  return (
    <Box flexDirection="column">
      <Painted tone="title">Site details</Painted>
      {FIELDS.map((f, n) => {
        const here = f.id === focused;
        const error = errorText(f.id);
        const rows = layout.errorRows[n] ?? 0;
        return (
          <Box key={f.id} flexDirection="column">
            <Box>
              <Box width={LABEL_WIDTH} flexShrink={0}>
                {/* A field whose error has no room here is marked on its own row. */}
                <Painted tone={here ? 'accent' : error && rows === 0 ? 'bad' : 'plain'}>{`${here ? '›' : error && rows === 0 ? '✗' : ' '} ${f.label}`}</Painted>
              </Box>
              {isChoice(f.id) ? (
                <Choice options={CHOICES[f.id]} value={step[f.id]} />
              ) : (
                <TextInput field={step.text[f.id]} focused={here} placeholder={placeholders[f.id]} mask={f.id === 'password'} />
              )}
            </Box>
            {error
              ? wrapLines(error, errorWidth, rows).map((l, i) => (
                  <Painted key={i} tone="bad">
                    {`${' '.repeat(LABEL_WIDTH)}${i > 0 ? '  ' : ''}${l}`}
                  </Painted>
                ))
              : null}
          </Box>
        );
      })}
      {layout.helpRows > 0 ? <Paragraph text={FIELDS[step.focus]?.help ?? ''} width={width} rows={layout.helpRows} tone="muted" /> : null}
      <ErrorLine message={step.error} />
    </Box>
  );
}

function Choice({ options, value }: { options: readonly string[]; value: string }) {
  return <Text>{options.map((o) => (o === value ? `[${o}]` : ` ${o} `)).join(' ')}</Text>;
}
