/**
 * @module Execution settings of an episode (mode, profile, device), stored per episode in localStorage so that
 * Episode Detail and Faces Review use the same choice. Unset fields fall back to the server config.
 */
import { useLocalStorage } from '@mantine/hooks';
import type { RunOptions } from '../api-client.ts';
import type { DeviceName, ExecutionMode, ProfileName } from '../../../src/api/contract.ts';
import { useConfig } from './use-config.ts';

export type { ExecutionMode };

/** Execution modes in the order the selector shows them: `redis` queues for a worker, `local` runs in the request. */
export const EXECUTION_MODES = ['redis', 'local'] as const satisfies readonly ExecutionMode[];

/** What the user chose; missing fields mean "the server default". */
export interface StoredSettings {
  /** Execution mode (default `redis`, the API's default when Redis answers). */
  execution_mode?: ExecutionMode;
  /** Profile (default: `config.profile`). */
  profile?: ProfileName;
  /** Device (default: `config.device`). */
  device?: DeviceName;
}

/** Settings with every field resolved. */
export type ExecutionSettings = Required<StoredSettings>;

/**
 * @param epId - episode id (the storage key)
 * @returns the resolved settings (undefined until the config loads), and a setter merging a change
 */
export function useExecutionSettings(
  epId: string,
): [ExecutionSettings | undefined, (change: StoredSettings) => void] {
  const config = useConfig();
  const [stored, setStored] = useLocalStorage<StoredSettings>({
    key: `screenalytics.execution.${epId}`,
    defaultValue: {},
    getInitialValueInEffect: false,
  });
  const settings = config && {
    execution_mode: stored.execution_mode ?? 'redis',
    profile: stored.profile ?? config.profile,
    device: stored.device ?? config.device,
  };
  return [settings, (change) => setStored((prev) => ({ ...prev, ...change }))];
}

/**
 * @param settings - resolved settings
 * @returns the run options of a `POST /jobs/{stage}` body
 */
export function toRunOptions(settings: ExecutionSettings): RunOptions {
  return {
    execution_mode: settings.execution_mode,
    profile: settings.profile,
    device: settings.device,
  };
}
