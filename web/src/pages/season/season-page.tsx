/**
 * @module Season: screen time of every cast member in every episode of a season (table with season totals, a
 * stacked bar per episode, season totals chart, co-appearance matrix), the review state of each episode with a
 * link to its Faces Review, the CSV / XLSX / PDF exports, Add episodes, and Run season with live progress.
 */
import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../../api-client.ts';
import { seasons, type SeasonExportFormat } from '../../api-season.ts';
import { formatDuration } from '../../components/format.ts';
import { IDLE_REFRESH_MS } from '../../hooks/refresh.ts';
import { paths } from '../../routes.ts';
import { AddEpisodes } from './add-episodes.tsx';
import { CoAppearanceMatrix } from './co-appearance.tsx';
import { ReviewStateTable } from './review-state.tsx';
import { EpisodeStackChart, SeasonTotalsChart } from './season-charts.tsx';
import { SeasonRun } from './season-run.tsx';
import { SeasonTable } from './season-table.tsx';

const EXPORTS: Array<{ format: SeasonExportFormat; label: string }> = [
  { format: 'csv', label: 'CSV' },
  { format: 'xlsx', label: 'XLSX' },
  { format: 'pdf', label: 'PDF' },
];

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Props of {@link SeasonPage}. */
export interface SeasonPageProps {
  /** Show id from the URL. */
  show: string;
  /** Season number from the URL. */
  season: number;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={700}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

/** The page. */
export function SeasonPage({ show, season }: SeasonPageProps) {
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [runActive, setRunActive] = useState(false);
  const report = useQuery({
    queryKey: ['season', show, season],
    queryFn: () => seasons.report(show, season),
    // While the season runs, episodes end one by one: read the report again now and then.
    refetchInterval: runActive ? IDLE_REFRESH_MS : false,
    retry: false,
  });
  const refresh = useCallback(
    (): Promise<void> => queryClient.invalidateQueries({ queryKey: ['season', show, season] }),
    [queryClient, show, season],
  );
  const onActiveChange = useCallback(
    (active: boolean): void => {
      setRunActive(active);
      void refresh();
    },
    [refresh],
  );
  const data = report.data;
  const missing = report.error instanceof ApiError && report.error.status === 404;
  const counted = data?.episodes.filter((e) => e.run_id !== null).length ?? 0;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Group gap="sm" align="baseline">
            <Title order={2}>
              {show} · season {season}
            </Title>
            <Anchor component={Link} href={paths.shows} size="sm" c="dimmed">
              Shows
            </Anchor>
            <Anchor component={Link} href={paths.cast(show)} size="sm" c="dimmed">
              Cast
            </Anchor>
          </Group>
          <Text size="xs" c="dimmed" data-testid="season-summary">
            {data
              ? `${plural(data.episodes.length, 'episode')} (${counted} with a clustered run) · ${formatDuration(data.total_duration_s)} of video · ${plural(data.cast.length, 'cast member')} on screen`
              : ' '}
          </Text>
        </Stack>
        <Group gap="xs">
          <Button data-edit variant="light" onClick={() => setAdding(true)}>
            Add episodes
          </Button>
          {EXPORTS.map((x) => (
            <Button
              key={x.format}
              component="a"
              href={seasons.exportUrl(show, season, x.format)}
              download
              variant="default"
              disabled={!data || data.episodes.length === 0}
            >
              {x.label}
            </Button>
          ))}
        </Group>
      </Group>
      <AddEpisodes
        show={show}
        season={season}
        opened={adding}
        onClose={() => setAdding(false)}
        onAdded={() => {
          void refresh();
          void queryClient.invalidateQueries({ queryKey: ['season-run', show, season] });
        }}
      />
      <SeasonRun show={show} season={season} onActiveChange={onActiveChange} />
      {missing && (
        <Alert color="gray" p="xs">
          <Text size="xs">{report.error?.message}. Add episodes to start this season.</Text>
        </Alert>
      )}
      {report.isError && !missing && (
        <Alert color="red" p="xs">
          <Text size="xs">{report.error.message}</Text>
        </Alert>
      )}
      {data && counted === 0 && (
        <Alert color="gray" p="xs">
          <Text size="xs">
            No episode of this season has a clustered run yet: Run season, and the screen time of
            each episode shows here as it ends.
          </Text>
        </Alert>
      )}
      {data && counted > 0 && data.cast.length === 0 && (
        <Alert color="yellow" p="xs">
          <Text size="xs">
            No cast member is counted yet: enroll the cast on the Cast page (identities are then
            named on their own), or name them on each episode&apos;s Faces Review.
          </Text>
        </Alert>
      )}
      {data && counted > 0 && (
        <>
          <Section title="Screen time per cast member and episode (seconds, share of the episode)">
            <SeasonTable report={data} />
          </Section>
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <Section title="Seconds per episode">
              <Paper withBorder p="sm" data-testid="episode-stack-chart">
                <EpisodeStackChart report={data} />
              </Paper>
            </Section>
            <Stack gap="md">
              <Section title="Season totals">
                <Paper withBorder p="sm" data-testid="season-totals-chart">
                  <SeasonTotalsChart report={data} />
                </Paper>
              </Section>
              <Section title="Co-appearance: seconds two cast members share the screen">
                <CoAppearanceMatrix report={data} />
              </Section>
            </Stack>
          </SimpleGrid>
        </>
      )}
      {data && (
        <Section title="Review state per episode">
          <ReviewStateTable report={data} />
        </Section>
      )}
    </Stack>
  );
}
