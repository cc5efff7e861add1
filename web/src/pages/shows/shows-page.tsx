/**
 * @module Shows: every show with its seasons (episode counts) and cast; a link to each Season page and to the
 * Cast page, and a form that opens a season by show and number (its Add episodes then registers the episodes).
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { seasons } from '../../api-season.ts';
import { paths } from '../../routes.ts';

/** Lower-case slug of a show name, as the API makes show ids. */
function slugOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The page. */
export function ShowsPage() {
  const [, navigate] = useLocation();
  const [show, setShow] = useState('');
  const [season, setSeason] = useState<number | string>(1);
  const list = useQuery({ queryKey: ['shows'], queryFn: seasons.shows });
  const items = list.data?.items ?? [];
  const slug = slugOf(show);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Shows</Title>
        <Group gap="xs" align="flex-end">
          <TextInput
            label="Show"
            placeholder="e.g. fotb"
            value={show}
            onChange={(e) => setShow(e.currentTarget.value)}
          />
          <NumberInput label="Season" min={1} w={90} value={season} onChange={setSeason} />
          <Button
            disabled={slug === '' || Number(season) < 1}
            onClick={() => navigate(paths.season(slug, Number(season)))}
          >
            Open season
          </Button>
        </Group>
      </Group>
      {list.isError && (
        <Alert color="red" p="xs">
          <Text size="xs">{list.error.message}</Text>
        </Alert>
      )}
      <Paper withBorder>
        <Table striped verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>show</Table.Th>
              <Table.Th>show id</Table.Th>
              <Table.Th>seasons</Table.Th>
              <Table.Th ta="right">episodes</Table.Th>
              <Table.Th ta="right">cast members</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={s.show_id} data-testid={`show-${s.show_id}`}>
                <Table.Td fw={600}>{s.name}</Table.Td>
                <Table.Td ff="monospace">{s.show_id}</Table.Td>
                <Table.Td>
                  <Group gap="md">
                    {(s.seasons ?? []).map((x) => (
                      <Anchor
                        key={x.season}
                        component={Link}
                        href={paths.season(s.show_id, x.season)}
                        size="sm"
                      >
                        Season {x.season} ({x.episodes} episodes)
                      </Anchor>
                    ))}
                    {(s.seasons ?? []).length === 0 && (
                      <Text size="xs" c="dimmed">
                        no episode yet
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {s.episodes}
                </Table.Td>
                <Table.Td ta="right">
                  <Anchor component={Link} href={paths.cast(s.show_id)} size="sm">
                    {s.cast} cast members
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {list.isSuccess && items.length === 0 && (
        <Text size="sm" c="dimmed">
          No show yet: open a season above and add its episodes, or add a cast member on a
          show&apos;s Cast page.
        </Text>
      )}
    </Stack>
  );
}
