import { Box, Text } from 'ink';
import { STEPS, type StepId } from '../state/wizard.js';
import { useTheme } from './theme-context.js';

export function Header({ step, version }: { step: StepId; version: string }) {
  const theme = useTheme();
  const current = step === 'done' ? 'rules' : step;
  const accent = theme.color('accent');
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold wrap="truncate-end">
        emaint-egress {version} · Canon eMaintenance egress planner
      </Text>
      <Text wrap="truncate-end">
        {STEPS.map((s, i) => {
          const label = `${i + 1} ${s.title}`;
          const here = s.id === current;
          return (
            <Text key={s.id}>
              {i > 0 ? ' › ' : ''}
              {here ? (
                <Text bold {...(accent ? { color: accent } : {})}>
                  [{label}]
                </Text>
              ) : (
                label
              )}
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}
