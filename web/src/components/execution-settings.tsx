/**
 * @module The Execution Settings expander: execution mode, profile and device of the episode's runs, stored per
 * episode (the same choice on Episode Detail and Faces Review).
 */
import {
  Button,
  Collapse,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { DEVICES, PROFILES } from '../../../src/api/contract.ts';
import { useConfig } from '../hooks/use-config.ts';
import {
  EXECUTION_MODES,
  useExecutionSettings,
  type ExecutionMode,
} from '../hooks/use-execution-settings.ts';

const MODE_LABEL: Record<ExecutionMode, string> = {
  redis: 'Redis (queued)',
  local: 'Local (direct)',
};

/** Props of {@link ExecutionSettingsPanel}. */
export interface ExecutionSettingsPanelProps {
  /** Episode whose settings are shown. */
  epId: string;
}

/** Collapsed: one summary line; expanded: the three selectors. */
export function ExecutionSettingsPanel({ epId }: ExecutionSettingsPanelProps) {
  const [opened, { toggle }] = useDisclosure(false);
  const config = useConfig();
  const [settings, change] = useExecutionSettings(epId);
  if (!settings || !config) {
    return null;
  }
  const profile = config.profiles[settings.profile];
  return (
    <Paper withBorder px="sm" py={6}>
      <Group justify="space-between">
        <Button variant="subtle" size="compact-sm" onClick={toggle} aria-expanded={opened}>
          {opened ? '▾' : '▸'} Execution Settings
        </Button>
        <Text size="xs" c="dimmed" data-testid="execution-summary">
          {MODE_LABEL[settings.execution_mode]} · profile {settings.profile} · device{' '}
          {settings.device}
        </Text>
      </Group>
      <Collapse expanded={opened}>
        <Stack gap="xs" pt="xs">
          <Group gap="lg" align="flex-end">
            <div>
              <Text size="xs" fw={500} mb={2}>
                Execution mode
              </Text>
              <SegmentedControl
                value={settings.execution_mode}
                onChange={(v) => change({ execution_mode: v })}
                data={EXECUTION_MODES.map((m) => ({ value: m, label: MODE_LABEL[m] }))}
                aria-label="Execution mode"
              />
            </div>
            <Select
              label="Profile"
              w={150}
              value={settings.profile}
              onChange={(v) => v && change({ profile: v })}
              data={[...PROFILES]}
              allowDeselect={false}
            />
            <Select
              label="Device"
              w={110}
              value={settings.device}
              onChange={(v) => v && change({ device: v })}
              data={[...DEVICES]}
              allowDeselect={false}
            />
          </Group>
          <Text size="xs" c="dimmed">
            Profile {settings.profile}: stride {profile.stride}
            {profile.reference_frames_only ? ' (reference frames only)' : ''}, analysis width{' '}
            {profile.analysis_width_px || 'source'}
            {profile.analysis_width_px ? ' px' : ''}, tiles{' '}
            {profile.tiles ? `${profile.tiles.cols} x ${profile.tiles.rows}` : 'none'}, cpu threads{' '}
            {profile.cpu_threads}.{' '}
            {settings.execution_mode === 'local'
              ? `Local runs happen while this page waits for the answer (cpu threads capped at ${config.jobs.local_max_threads}); leaving the page cancels them.`
              : 'Queued runs need a running `screenalytics worker`; they go on when this page is closed.'}
          </Text>
        </Stack>
      </Collapse>
    </Paper>
  );
}
