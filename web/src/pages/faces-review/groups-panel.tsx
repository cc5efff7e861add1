/**
 * @module The last Auto group proposal: groups of identities whose centroids are alike (never two that share a
 * frame), each merged in one click into its first identity.
 */
import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { review } from '../../api-review.ts';
import type { ReviewData } from './use-review.ts';

/** Props of {@link GroupsPanel}. */
export interface GroupsPanelProps {
  /** Episode id. */
  epId: string;
  /** Review data and the edit sender. */
  data: ReviewData;
}

/** The proposal, or nothing when there is none. */
export function GroupsPanel({ epId, data }: GroupsPanelProps) {
  const groups = useQuery({
    queryKey: ['review', epId, 'groups'],
    queryFn: () => review.groups(epId),
    retry: false,
  });
  const live = new Set((data.identities.data?.items ?? []).map((i) => i.identity_id));
  const open = (groups.data?.groups ?? []).filter(
    (g) => g.identity_ids.filter((id) => live.has(id)).length > 1,
  );
  if (open.length === 0) {
    return null;
  }
  return (
    <Paper withBorder p="xs">
      <Stack gap={4}>
        <Text size="xs" fw={600}>
          Auto group proposes {open.length} groups
        </Text>
        {open.map((g) => {
          const ids = g.identity_ids.filter((id) => live.has(id));
          const [target, ...sources] = ids;
          return (
            <Group key={ids.join()} gap="sm">
              <Text size="xs" ff="monospace">
                {ids.join(' + ')}
              </Text>
              <Text size="xs" c="dimmed">
                similarity {g.similarity.toFixed(2)}
              </Text>
              <Button
                data-edit
                variant="light"
                onClick={() =>
                  void data.send(`Merged ${ids.join(', ')} into ${target}`, (v) =>
                    review.merge(epId, sources, target!, v),
                  )
                }
              >
                Merge into {target}
              </Button>
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
