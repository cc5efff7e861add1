/**
 * @module The season table: one row per cast member, one column per episode (seconds and share of the episode),
 * then the season total and share; a last row with the seconds still unassigned per episode.
 */
import { Paper, ScrollArea, Table, Text } from '@mantine/core';
import type { SeasonReport } from '../../api-season.ts';

/** Props of {@link SeasonTable}. */
export interface SeasonTableProps {
  /** The season report. */
  report: SeasonReport;
}

const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** Cast member × episode seconds, with season totals. */
export function SeasonTable({ report }: SeasonTableProps) {
  const { episodes, cast } = report;
  const shareIn = (epId: string, castId: string): number =>
    episodes.find((e) => e.ep_id === epId)?.cast.find((c) => c.cast_id === castId)?.share ?? 0;
  const unassignedTotalS = episodes.reduce((sum, e) => sum + e.unassigned_s, 0);
  return (
    <Paper withBorder>
      <ScrollArea>
        <Table striped verticalSpacing={4} data-testid="season-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>cast member</Table.Th>
              {episodes.map((e) => (
                <Table.Th key={e.ep_id} ta="right" title={e.title ?? e.ep_id}>
                  E{String(e.episode).padStart(2, '0')}
                </Table.Th>
              ))}
              <Table.Th ta="right">season s</Table.Th>
              <Table.Th ta="right">share</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cast.map((c) => (
              <Table.Tr key={c.cast_id} data-testid={`season-row-${c.cast_id}`}>
                <Table.Td fw={600}>{c.name}</Table.Td>
                {episodes.map((e) => {
                  const s = c.seconds_by_episode[e.ep_id] ?? 0;
                  return (
                    <Table.Td key={e.ep_id} ta="right" ff="monospace">
                      {s.toFixed(1)}
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({pct(shareIn(e.ep_id, c.cast_id))})
                      </Text>
                    </Table.Td>
                  );
                })}
                <Table.Td ta="right" ff="monospace" fw={700} data-testid="season-total">
                  {c.total_s.toFixed(1)}
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {pct(c.share)}
                </Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr c="dimmed">
              <Table.Td>unassigned</Table.Td>
              {episodes.map((e) => (
                <Table.Td key={e.ep_id} ta="right" ff="monospace">
                  {e.unassigned_s.toFixed(1)}
                </Table.Td>
              ))}
              <Table.Td ta="right" ff="monospace">
                {unassignedTotalS.toFixed(1)}
              </Table.Td>
              <Table.Td ta="right" ff="monospace">
                {report.total_duration_s > 0
                  ? pct(unassignedTotalS / report.total_duration_s)
                  : '—'}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}
