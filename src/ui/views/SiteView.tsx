import { Box, Text } from 'ink';
import { dnsServerText } from '../../core/profile.js';
import type { DnsServer } from '../../core/site.js';
import { wrapLines } from '../text-layout.js';
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
}

export function SiteView({ step, checked, defaultResolver, envPassword, width }: SiteViewProps) {
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
  const focused = FIELDS[step.focus]?.id;
  return (
    <Box flexDirection="column">
      <Painted tone="title">Site details</Painted>
      {FIELDS.map((f) => {
        const here = f.id === focused;
        const error = errors[f.id];
        return (
          <Box key={f.id} flexDirection="column">
            <Box>
              <Box width={LABEL_WIDTH} flexShrink={0}>
                <Painted tone={here ? 'accent' : 'plain'}>{`${here ? '›' : ' '} ${f.label}`}</Painted>
              </Box>
              {isChoice(f.id) ? (
                <Choice options={CHOICES[f.id]} value={step[f.id]} />
              ) : (
                <TextInput field={step.text[f.id]} focused={here} placeholder={placeholders[f.id]} mask={f.id === 'password'} />
              )}
            </Box>
            {error
              ? wrapLines(`✗ ${error}`, width - LABEL_WIDTH, 3).map((l, i) => (
                  <Painted key={i} tone="bad">
                    {`${' '.repeat(LABEL_WIDTH)}${i > 0 ? '  ' : ''}${l}`}
                  </Painted>
                ))
              : null}
          </Box>
        );
      })}
      <Paragraph text={FIELDS[step.focus]?.help ?? ''} width={width} rows={2} tone="muted" />
      <ErrorLine message={step.error} />
    </Box>
  );
}

function Choice({ options, value }: { options: readonly string[]; value: string }) {
  return <Text>{options.map((o) => (o === value ? `[${o}]` : ` ${o} `)).join(' ')}</Text>;
}
