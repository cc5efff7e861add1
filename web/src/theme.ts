/** @module The calm, dense look: small type and spacing, muted slate primary colour, square-ish corners. */
import { createTheme } from '@mantine/core';

/** Mantine theme of the UI. */
export const theme = createTheme({
  primaryColor: 'indigo',
  respectReducedMotion: true,
  defaultRadius: 'sm',
  fontSizes: { xs: '11px', sm: '12px', md: '13px', lg: '15px', xl: '18px' },
  spacing: { xs: '4px', sm: '8px', md: '12px', lg: '16px', xl: '24px' },
  headings: {
    sizes: { h2: { fontSize: '18px' }, h3: { fontSize: '15px' }, h4: { fontSize: '13px' } },
  },
  components: {
    Button: { defaultProps: { size: 'compact-sm' } },
    Badge: {
      defaultProps: { size: 'sm', variant: 'light', radius: 'sm' },
      styles: { root: { textTransform: 'none' } },
    },
    TextInput: { defaultProps: { size: 'xs' } },
    Select: { defaultProps: { size: 'xs' } },
    NumberInput: { defaultProps: { size: 'xs' } },
    SegmentedControl: { defaultProps: { size: 'xs' } },
    Table: { defaultProps: { fz: 'sm', verticalSpacing: 4, horizontalSpacing: 'sm' } },
  },
});
