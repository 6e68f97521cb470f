import { Badge, createTheme } from '@mantine/core';

const font = "'Be Vietnam Pro', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export const theme = createTheme({
  fontFamily: font,
  headings: { fontFamily: font, fontWeight: '600' },
  primaryColor: 'blue',
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    // Upper-case Vietnamese with stacked diacritics is hard to read in small badges.
    Badge: Badge.extend({ styles: { root: { textTransform: 'none' } } }),
  },
});
