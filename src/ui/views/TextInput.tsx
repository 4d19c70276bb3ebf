// A one-line field as the text-field reducer holds it; the cursor is an inverse cell.
import { Text } from 'ink';
import type { TextField } from '../state/text-field.js';
import { Painted } from './Painted.js';

export function TextInput({ field, focused, placeholder, mask }: { field: TextField; focused: boolean; placeholder?: string; mask?: boolean }) {
  const chars = [...field.value].map((c) => (mask ? '•' : c));
  if (chars.length === 0 && placeholder !== undefined) {
    return (
      <Text wrap="truncate-end">
        {focused ? <Text inverse> </Text> : null}
        <Painted tone="muted">{placeholder}</Painted>
      </Text>
    );
  }
  if (!focused) return <Text wrap="truncate-end">{chars.join('')}</Text>;
  return (
    <Text wrap="truncate-end">
      {chars.slice(0, field.cursor).join('')}
      <Text inverse>{chars[field.cursor] ?? ' '}</Text>
      {chars.slice(field.cursor + 1).join('')}
    </Text>
  );
}
