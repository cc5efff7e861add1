/**
 * @module Re-clustering conflicts: identities of a new clustering whose tracks carried several cast members
 * before. Per conflict, the votes (cast member, face samples, tracks) and the ways to settle it: assign the
 * identity to one of the voted cast members, or split it along the votes (one new identity per vote). Any edit
 * of the identity settles its conflict.
 */
import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { review } from '../../api-review.ts';
import type { ReviewData } from './use-review.ts';

/** Props of {@link ConflictsPanel}. */
export interface ConflictsPanelProps {
  /** Episode id. */
  epId: string;
  /** Review data and the edit sender. */
  data: ReviewData;
}

/** The open conflicts, or nothing when there is none. */
export function ConflictsPanel({ epId, data }: ConflictsPanelProps) {
  const items = data.conflicts.data?.items ?? [];
  if (items.length === 0) {
    return null;
  }
  const names = new Map((data.cast.data?.items ?? []).map((c) => [c.cast_id, c.name]));
  const nameOf = (castId: string | null): string =>
    castId === null ? 'nobody (a tie)' : (names.get(castId) ?? castId);
  return (
    <Paper withBorder p="xs" bg="orange.0" data-testid="conflicts">
      <Stack gap={6}>
        <Text size="xs" fw={600}>
          {items.length} re-clustering conflicts: these identities hold tracks that earlier edits
          gave to different cast members
        </Text>
        {items.map((c) => (
          <Group key={c.identity_id} gap="sm" data-testid={`conflict-${c.identity_id}`}>
            <Text size="xs" ff="monospace" fw={600}>
              {c.identity_id}
            </Text>
            <Text size="xs">kept as {nameOf(c.cast_id)}; votes:</Text>
            {c.votes.map((v) => (
              <Badge key={v.cast_id} variant="light" color="gray">
                {nameOf(v.cast_id)}: {v.faces} faces, {v.track_ids.length} tracks
              </Badge>
            ))}
            {c.votes.map((v) => (
              <Button
                data-edit
                key={v.cast_id}
                size="compact-xs"
                variant="light"
                onClick={() =>
                  void data.send(`Assigned ${c.identity_id} to ${nameOf(v.cast_id)}`, (ver) =>
                    review.assign(epId, c.identity_id, v.cast_id, ver),
                  )
                }
              >
                All to {nameOf(v.cast_id)}
              </Button>
            ))}
            <Button
              data-edit
              size="compact-xs"
              variant="default"
              onClick={() =>
                void data.send(`Split ${c.identity_id} along ${c.votes.length} votes`, (ver) =>
                  review.split(
                    epId,
                    c.identity_id,
                    c.votes.map((v) => v.track_ids),
                    ver,
                  ),
                )
              }
            >
              Split by vote
            </Button>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
