/**
 * @module Episode Cleanup / Cluster Cleanup buttons: each runs the cleanup as a preview (nothing written), shows
 * its before/after figures (identities, singletons, cohesion, tracks cut, groups), and Apply stores it as undoable
 * review edits. Edit buttons: hidden from viewers (`data-edit`).
 */
import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { review, type CleanupPreset, type CleanupResult } from '../api-review.ts';
import { useExecutionSettings } from '../hooks/use-execution-settings.ts';

/** Props of {@link CleanupButtons}. */
export interface CleanupButtonsProps {
  /** Episode id. */
  epId: string;
  /** One button per preset: its label. */
  buttons: { preset: CleanupPreset; label: string }[];
  /** Called after an apply (refresh the page's data). */
  onApplied?: () => void;
}

const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

/** The buttons and the preview dialog. */
export function CleanupButtons({ epId, buttons, onApplied }: CleanupButtonsProps) {
  const [settings] = useExecutionSettings(epId);
  const [busy, setBusy] = useState<string | null>(null);
  const [preview, setPreview] = useState<CleanupResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(preset: CleanupPreset, apply: boolean, version?: number): Promise<void> {
    setBusy(apply ? 'Applying…' : 'Computing preview…');
    setError(null);
    try {
      const mode = settings?.execution_mode;
      const result = await review.cleanup(epId, preset, apply, mode, version);
      setPreview(apply ? null : result);
      if (apply) {
        onApplied?.();
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  }

  const rows: [string, string, string][] = preview
    ? [
        ['Identities', String(preview.before.identities), String(preview.after.identities)],
        ['Singletons', String(preview.before.singletons), String(preview.after.singletons)],
        ['Mean cohesion', fmt(preview.before.mean_cohesion), fmt(preview.after.mean_cohesion)],
      ]
    : [];
  return (
    <>
      <Group gap="xs">
        {buttons.map((b) => (
          <Button
            key={b.preset}
            data-edit
            variant="default"
            disabled={busy !== null}
            onClick={() => void run(b.preset, false)}
          >
            {b.label}
          </Button>
        ))}
        {busy && <Text size="xs">{busy}</Text>}
        {error && (
          <Text size="xs" c="red.8">
            {error}
          </Text>
        )}
      </Group>
      <Modal
        opened={preview !== null}
        onClose={() => setPreview(null)}
        title={`Cleanup preview (${preview?.preset ?? ''})`}
      >
        {preview && (
          <Stack gap="xs" data-testid="cleanup-preview">
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th />
                  <Table.Th>Before</Table.Th>
                  <Table.Th>After</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map(([name, before, after]) => (
                  <Table.Tr key={name}>
                    <Table.Td>{name}</Table.Td>
                    <Table.Td>{before}</Table.Td>
                    <Table.Td>{after}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="xs">
              {preview.cuts.length} tracks cut ·{' '}
              {preview.groups.reduce((n, g) => n + g.identity_ids.length - 1, 0)} identities merged
              · {preview.protected_identity_ids.length} identities edited by a person left alone ·{' '}
              {preview.edits} edits (Undo {preview.edits}× restores)
            </Text>
            <Group justify="flex-end">
              <Button variant="subtle" onClick={() => setPreview(null)}>
                Cancel
              </Button>
              <Button
                data-edit
                disabled={preview.edits === 0 || busy !== null}
                onClick={() => void run(preview.preset, true, preview.version_before)}
              >
                Apply
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
