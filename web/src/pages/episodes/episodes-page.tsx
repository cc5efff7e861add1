/**
 * @module Episodes: the list with search and a show filter, each row with its stage statuses; create an episode
 * from an upload or a server path; delete one.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { STAGES } from '../../../../src/api/contract.ts';
import { deleteEpisode, getStatus, listEpisodes, type EpisodeView } from '../../api-client.ts';
import { formatTime } from '../../components/format.ts';
import { StageStatusBadge } from '../../components/stage-status-badge.tsx';
import { IDLE_REFRESH_MS } from '../../hooks/refresh.ts';
import { paths } from '../../routes.ts';
import { CreateEpisode } from './create-episode.tsx';

function matches(e: EpisodeView, search: string, show: string | null): boolean {
  const q = search.trim().toLowerCase();
  const text = `${e.ep_id} ${e.title ?? ''} ${e.show_id}`.toLowerCase();
  return (show === null || e.show_id === show) && (q === '' || text.includes(q));
}

/** The page. */
export function EpisodesPage() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['episodes'], queryFn: listEpisodes });
  const episodes = list.data?.episodes ?? [];
  const statuses = useQueries({
    queries: episodes.map((e) => ({
      queryKey: ['ep', e.ep_id, 'status'],
      queryFn: () => getStatus(e.ep_id),
      refetchInterval: IDLE_REFRESH_MS,
    })),
  });
  const shows = [...new Set(episodes.map((e) => e.show_id))].sort();
  const shown = episodes.filter((e) => matches(e, search, show));

  async function confirmDelete(): Promise<void> {
    try {
      await deleteEpisode(deleting!);
      setDeleting(null);
      await queryClient.invalidateQueries({ queryKey: ['episodes'] });
    } catch (err) {
      setDeleteError((err as Error).message);
    }
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Episodes</Title>
        <Button
          data-edit
          onClick={() => setCreating((v) => !v)}
          variant={creating ? 'default' : 'filled'}
        >
          {creating ? 'Close' : 'New episode'}
        </Button>
      </Group>
      {creating && (
        <CreateEpisode
          onCreated={(e) => {
            setCreating(false);
            navigate(paths.episode(e.ep_id));
          }}
        />
      )}
      <Group gap="sm">
        <TextInput
          placeholder="Search id, title or show"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
          aria-label="Search episodes"
        />
        <Select
          placeholder="All shows"
          data={shows}
          value={show}
          onChange={setShow}
          clearable
          w={180}
          aria-label="Show filter"
        />
        <Text size="xs" c="dimmed">
          {shown.length} of {episodes.length} episodes
        </Text>
      </Group>
      {list.isError && <Alert color="red">{list.error.message}</Alert>}
      <Table striped highlightOnHover withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Episode</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th>Video</Table.Th>
            {STAGES.map((s) => (
              <Table.Th key={s} ff="monospace">
                {s}
              </Table.Th>
            ))}
            <Table.Th>Updated</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((e) => {
            const status = statuses[episodes.indexOf(e)]?.data;
            return (
              <Table.Tr key={e.ep_id} data-testid={`episode-row-${e.ep_id}`}>
                <Table.Td>
                  <Anchor component={Link} href={paths.episode(e.ep_id)} size="sm" ff="monospace">
                    {e.ep_id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{e.title ?? ''}</Table.Td>
                <Table.Td>
                  {e.has_video ? (
                    'yes'
                  ) : (
                    <Text c="orange.8" size="sm">
                      missing
                    </Text>
                  )}
                </Table.Td>
                {STAGES.map((s) => (
                  <Table.Td key={s}>
                    {status && <StageStatusBadge view={status.stages[s]} />}
                  </Table.Td>
                ))}
                <Table.Td>{formatTime(e.updated_at)}</Table.Td>
                <Table.Td>
                  <Button
                    data-edit
                    variant="subtle"
                    color="red"
                    size="compact-xs"
                    onClick={() => setDeleting(e.ep_id)}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {episodes.length === 0 && list.isSuccess && (
        <Text size="sm" c="dimmed">
          No episode yet: create one with New episode.
        </Text>
      )}
      <Modal
        opened={deleting !== null}
        onClose={() => {
          setDeleting(null);
          setDeleteError(null);
        }}
        title={`Delete ${deleting}?`}
      >
        <Text size="sm" mb="sm">
          Its runs, their artifacts and its uploaded video are removed. A video registered from a
          server path is kept.
        </Text>
        {deleteError && (
          <Alert color="red" p="xs" mb="sm">
            <Text size="xs">{deleteError}</Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDeleting(null)}>
            Keep it
          </Button>
          <Button color="red" onClick={() => void confirmDelete()}>
            Delete episode
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
