/**
 * @module The co-appearance matrix of a season: for each pair of cast members, the seconds they share the screen
 * over the season; a cell is shaded by its seconds relative to the largest pair (the diagonal is each cast
 * member's own screen time and is shown in grey, outside that scale).
 */
import { Paper, ScrollArea, Table, Text } from '@mantine/core';
import type { SeasonReport } from '../../api-season.ts';

/** Props of {@link CoAppearanceMatrix}. */
export interface CoAppearanceMatrixProps {
  /** The season report. */
  report: SeasonReport;
}

/** Seconds two cast members share the screen, as a shaded table. */
export function CoAppearanceMatrix({ report }: CoAppearanceMatrixProps) {
  const { cast_ids: ids, seconds } = report.co_appearance;
  const names = new Map(report.cast.map((c) => [c.cast_id, c.name]));
  const pairMaxS = Math.max(0, ...seconds.flatMap((row, i) => row.filter((_, j) => j !== i)));
  if (ids.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No cast member on screen yet in this season.
      </Text>
    );
  }
  return (
    <Paper withBorder>
      <ScrollArea>
        <Table withColumnBorders verticalSpacing={4} layout="fixed" data-testid="co-appearance">
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              {ids.map((id) => (
                <Table.Th key={id} ta="right">
                  {names.get(id) ?? id}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ids.map((rowId, i) => (
              <Table.Tr key={rowId}>
                <Table.Th>{names.get(rowId) ?? rowId}</Table.Th>
                {ids.map((colId, j) => {
                  const s = seconds[i]?.[j] ?? 0;
                  const diagonal = i === j;
                  const alpha = diagonal || pairMaxS === 0 ? 0 : s / pairMaxS;
                  return (
                    <Table.Td
                      key={colId}
                      ta="right"
                      ff="monospace"
                      title={
                        diagonal
                          ? `${names.get(rowId) ?? rowId} on screen`
                          : `${names.get(rowId) ?? rowId} with ${names.get(colId) ?? colId}`
                      }
                      style={{
                        background: diagonal
                          ? 'var(--mantine-color-gray-1)'
                          : `rgba(66, 99, 235, ${(alpha * 0.75).toFixed(3)})`,
                        color: alpha > 0.55 ? 'white' : undefined,
                      }}
                    >
                      {s.toFixed(1)}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}
