// One line in a tone: the only place tones turn into colours.
import { Text } from 'ink';
import type { Tone } from '../text-layout.js';
import { useTheme } from './theme-context.js';

export function Painted({ tone, children }: { tone: Tone | 'accent'; children: string }) {
  const theme = useTheme();
  const color = theme.color(tone);
  return (
    <Text wrap="truncate-end" bold={tone === 'title'} dimColor={tone === 'muted' && theme.dim} {...(color ? { color } : {})}>
      {children}
    </Text>
  );
}
