/**
 * @module Warning before a local run on CPU with a heavy profile: one whose threads exceed the local cap or that
 * adds the tiled detection pass (both read from the config, so the rule follows the profiles).
 */
import { Button, Group, Modal, Text } from '@mantine/core';
import type { UiConfig } from '../../api-client.ts';
import type { ExecutionSettings } from '../../hooks/use-execution-settings.ts';

/**
 * @param settings - execution settings
 * @param config - the server's UI defaults
 * @returns true when a run with these settings deserves the warning
 */
export function isHeavyLocalCpuRun(settings: ExecutionSettings, config: UiConfig): boolean {
  const profile = config.profiles[settings.profile];
  const onCpu = settings.device === 'cpu' || settings.device === 'auto';
  const heavy = profile.tiles !== null || profile.cpu_threads > config.jobs.local_max_threads;
  return settings.execution_mode === 'local' && onCpu && heavy;
}

/** Props of {@link HeavyRunConfirm}. */
export interface HeavyRunConfirmProps {
  /** Open when set: what to run on confirmation, and its label. */
  pending: { label: string; go: () => void } | null;
  /** Closes without running. */
  onClose: () => void;
  /** Settings of the run. */
  settings: ExecutionSettings;
  /** Server config. */
  config: UiConfig;
}

/** The confirmation dialog. */
export function HeavyRunConfirm({ pending, onClose, settings, config }: HeavyRunConfirmProps) {
  const profile = config.profiles[settings.profile];
  return (
    <Modal opened={pending !== null} onClose={onClose} title="Heavy run on CPU" size="md">
      <Text size="sm" mb="sm">
        {pending?.label} will run locally, inside the API&apos;s child process, on the CPU
        {settings.device === 'auto'
          ? ' (device auto falls back to CPU when no accelerator is present)'
          : ''}
        , with profile <b>{settings.profile}</b> (stride {profile.stride}
        {profile.tiles ? `, ${profile.tiles.cols} x ${profile.tiles.rows} tiles` : ''},{' '}
        {profile.cpu_threads} threads, capped at {config.jobs.local_max_threads} in local mode). It
        can take much longer than the video and keeps this page waiting; leaving the page cancels
        it.
      </Text>
      <Text size="sm" mb="md" c="dimmed">
        A lighter profile or Redis mode with a worker avoids this.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          color="orange"
          onClick={() => {
            pending?.go();
            onClose();
          }}
        >
          Run anyway
        </Button>
      </Group>
    </Modal>
  );
}
