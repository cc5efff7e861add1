/**
 * @module Cast: the show's cast members (name, id, role, status, aliases) with their facebank images; add a
 * cast member, drop several facebank images at once (each face is detected, aligned and embedded by the server).
 */
import {
  Alert,
  Badge,
  Button,
  Group,
  Image,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { review, type CastMemberView } from '../../api-review.ts';
import { FacebankDrop } from './facebank-drop.tsx';

/** Props of {@link CastPage}. */
export interface CastPageProps {
  /** Show id from the URL. */
  show: string;
}

function Facebank({ show, member }: { show: string; member: CastMemberView }) {
  const queryClient = useQueryClient();
  const images = useQuery({
    queryKey: ['facebank', show, member.cast_id],
    queryFn: () => review.facebank(show, member.cast_id),
  });
  const items = images.data?.items ?? [];
  return (
    <Stack gap={6}>
      <Group gap={6} align="center">
        {items.map((img) => (
          <Image
            key={img.image_id}
            src={img.thumb_url}
            w={48}
            h={48}
            radius="xs"
            fit="cover"
            title={
              img.source === 'identity'
                ? `exported from ${img.ep_id} ${img.identity_id}`
                : (img.file_name ?? 'upload')
            }
          />
        ))}
        {items.length === 0 && (
          <Text size="xs" c="dimmed">
            no facebank image
          </Text>
        )}
      </Group>
      <FacebankDrop
        show={show}
        castId={member.cast_id}
        name={member.name}
        onUploaded={() => {
          void queryClient.invalidateQueries({ queryKey: ['facebank', show, member.cast_id] });
          void queryClient.invalidateQueries({ queryKey: ['cast', show] });
        }}
      />
    </Stack>
  );
}

/** The page. */
export function CastPage({ show }: CastPageProps) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const cast = useQuery({ queryKey: ['cast', show], queryFn: () => review.cast(show) });
  async function add(): Promise<void> {
    setError(null);
    try {
      await review.createCast(show, name.trim());
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['cast', show] });
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const members = cast.data?.items ?? [];
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Cast of {show}</Title>
        <Group gap="xs">
          <TextInput
            placeholder="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            aria-label="New cast member name"
          />
          <Button data-edit onClick={() => void add()} disabled={name.trim() === ''}>
            Add cast member
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" p="xs">
          <Text size="xs">{error}</Text>
        </Alert>
      )}
      {cast.isError && (
        <Alert color="red" p="xs">
          <Text size="xs">{cast.error.message}</Text>
        </Alert>
      )}
      <Paper withBorder>
        <Table striped verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>cast member</Table.Th>
              <Table.Th>cast id</Table.Th>
              <Table.Th>role</Table.Th>
              <Table.Th>status</Table.Th>
              <Table.Th>aliases</Table.Th>
              <Table.Th>facebank</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((m) => (
              <Table.Tr key={m.cast_id} data-testid={`cast-${m.cast_id}`}>
                <Table.Td fw={600}>{m.name}</Table.Td>
                <Table.Td ff="monospace">{m.cast_id}</Table.Td>
                <Table.Td>{m.role}</Table.Td>
                <Table.Td>
                  <Badge color={m.status === 'active' ? 'teal' : 'gray'}>{m.status}</Badge>
                </Table.Td>
                <Table.Td>{m.aliases.join(', ')}</Table.Td>
                <Table.Td>
                  <Facebank show={show} member={m} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {cast.isSuccess && members.length === 0 && (
        <Text size="sm" c="dimmed">
          No cast member yet: add one here, or create one while assigning on Faces Review.
        </Text>
      )}
    </Stack>
  );
}
