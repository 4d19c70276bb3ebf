import { createContext, useContext } from 'react';
import { type Theme, makeTheme } from '../theme.js';

export const ThemeContext = createContext<Theme>(makeTheme({}));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
