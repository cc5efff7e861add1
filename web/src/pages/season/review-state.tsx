/**
 * @module Review state of each episode of a season: run counted, review version, identities and seconds still
 * unassigned, re-clustering conflicts and stale stages, with a link to the episode's Faces Review.
 */
import { Anchor, Badge, Group, Paper, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import type { SeasonReport } from '../../api-season.ts';
import { formatDuration } from '../../components/format.ts';
import { paths } from '../../routes.ts';

/** Props of {@link ReviewStateTable}. */
export interface ReviewStateTableProps {
  /** The season report. */
  report: SeasonReport;
}

/** One row per episode: what is left to review. */
export function ReviewStateTable({ report }: ReviewStateTableProps) {
  return (
    <Paper withBorder>
      <Table striped verticalSpacing={4} data-testid="review-state">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>episode</Table.Th>
            <Table.Th>title</Table.Th>
            <Table.Th>run</Table.Th>
            <Table.Th ta="right">duration</Table.Th>
            <Table.Th ta="right">review version</Table.Th>
            <Table.Th ta="right">identities unassigned</Table.Th>
            <Table.Th ta="right">seconds unassigned</Table.Th>
            <Table.Th ta="right">conflicts</Table.Th>
            <Table.Th>stale stages, errors</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.episodes.map((e) => {
            const done =
              e.run_id !== null &&
              e.identities_unassigned === 0 &&
              e.conflicts === 0 &&
              e.stale_stages.length === 0;
            return (
              <Table.Tr key={e.ep_id} data-testid={`review-state-${e.ep_id}`}>
                <Table.Td>
                  <Anchor component={Link} href={paths.episode(e.ep_id)} size="sm" ff="monospace">
                    {e.ep_id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{e.title ?? ''}</Table.Td>
                <Table.Td ff="monospace">
                  {e.run_id ?? (
                    <Text span size="xs" c="dimmed">
                      not run yet
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  {e.duration_s === null ? '—' : formatDuration(e.duration_s)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {e.review_version ?? '—'}
                </Table.Td>
                <Table.Td
                  ta="right"
                  ff="monospace"
                  c={e.identities_unassigned ? 'orange.8' : undefined}
                >
                  {e.identities_unassigned}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {e.unassigned_s.toFixed(1)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace" c={e.conflicts ? 'red.8' : undefined}>
                  {e.conflicts}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {e.error && (
                      <Text span size="xs" c="red.8">
                        {e.error}
                      </Text>
                    )}
                    {e.stale_stages.map((s) => (
                      <Badge key={s} color="orange" variant="light">
                        {s}
                      </Badge>
                    ))}
                    {done && (
                      <Badge color="teal" variant="light">
                        reviewed
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {e.run_id && (
                    <Anchor component={Link} href={paths.facesReview(e.ep_id)} size="sm">
                      Faces Review
                    </Anchor>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
