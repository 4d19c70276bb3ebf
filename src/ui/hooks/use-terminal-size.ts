// The terminal's size, following resizes.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { Size } from '../state/keys.js';

export function useTerminalSize(fallback: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || fallback.columns, rows: stdout.rows || fallback.rows });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one listener per stdout; `read` only reads that stdout and the fixed fallback
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
