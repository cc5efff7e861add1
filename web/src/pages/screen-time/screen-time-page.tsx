/**
 * @module Screen Time: the episode's video with a "who is on screen" subtitle track, seconds, share and tracks
 * per cast member (per identity before any assignment), the unassigned bucket, a bar chart and a timeline whose
 * clicks seek the video, CSV / WebVTT / JSON downloads, and a button that runs the `screentime` stage again
 * (following the episode's execution mode). The seconds are live: they follow every review edit at once.
 */
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ApiError, getJob, startStage } from '../../api-client.ts';
import { review, type ScreentimeReport } from '../../api-review.ts';
import { EpisodeHeader } from '../../components/episode-header.tsx';
import { formatDuration } from '../../components/format.ts';
import { toRunOptions, useExecutionSettings } from '../../hooks/use-execution-settings.ts';
import { castVttUrl } from '../../api-season.ts';
import { EpisodePlayer } from './episode-player.tsx';
import { SecondsChart, TimelineChart, type ScreenTimeRow } from './screen-time-charts.tsx';
import { nextRefresh } from '../../hooks/refresh.ts';

/** Props of {@link ScreenTimePage}. */
export interface ScreenTimePageProps {
  /** Episode id from the URL. */
  epId: string;
}

function rowsOf(report: ScreentimeReport): { rows: ScreenTimeRow[]; byCast: boolean } {
  if (report.cast) {
    const rows: ScreenTimeRow[] = report.cast.map((c) => ({
      label: c.name,
      seconds: c.seconds,
      share: c.share,
      tracks: c.track_ids.length,
      intervals: c.intervals,
    }));
    const u = report.unassigned;
    if (u && u.seconds > 0) {
      rows.push({
        label: 'unassigned',
        seconds: u.seconds,
        share: u.share,
        tracks: u.track_ids.length,
        intervals: u.intervals,
        unassigned: true,
      });
    }
    return { rows, byCast: true };
  }
  const rows = report.identities.map((i) => ({
    label: i.name ?? i.identity_id,
    seconds: i.seconds,
    share: i.share,
    tracks: i.track_ids.length,
    intervals: i.intervals,
    unassigned: i.cast_id === null,
  }));
  return { rows, byCast: false };
}

/** The page. */
export function ScreenTimePage({ epId }: ScreenTimePageProps) {
  const queryClient = useQueryClient();
  const [settings] = useExecutionSettings(epId);
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [currentS, setCurrentS] = useState(0);
  const seek = (s: number): void => {
    if (videoRef.current) {
      videoRef.current.currentTime = s;
    }
    setCurrentS(s);
  };
  const report = useQuery({
    queryKey: ['screentime', epId],
    queryFn: () => review.screentime(epId),
    retry: false,
  });

  async function recompute(): Promise<void> {
    if (!settings) {
      return;
    }
    setError(null);
    const local = settings.execution_mode === 'local';
    setRunning(local ? 'Running screentime locally…' : 'screentime queued');
    try {
      const result = await startStage(epId, 'screentime', toRunOptions(settings));
      if (result.execution_mode === 'redis') {
        setRunning(`screentime running as ${result.job_id}`);
        for (
          let job = await getJob(result.job_id);
          job.state === 'queued' || job.state === 'running';
          job = await getJob(result.job_id)
        ) {
          await nextRefresh();
        }
      } else if (result.status === 'error') {
        setError(result.error);
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(null);
      await queryClient.invalidateQueries({ queryKey: ['screentime', epId] });
    }
  }

  const missing = report.error instanceof ApiError && report.error.status === 404;
  const data = report.data;
  const { rows, byCast } = data ? rowsOf(data) : { rows: [], byCast: false };
  return (
    <Stack gap="sm">
      <EpisodeHeader epId={epId} />
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {data
            ? `Run ${data.run_id} · episode ${formatDuration(data.duration_s)} · intervals closer than ${data.gap_tolerance_s} s merged`
            : ' '}
        </Text>
        <Group gap="sm">
          {running && (
            <Text size="xs" fw={600} data-testid="screentime-running">
              {running}
            </Text>
          )}
          <Button
            data-edit
            onClick={() => void recompute()}
            loading={running !== null}
            variant="light"
          >
            Recompute screen time
          </Button>
          <Button
            component="a"
            href={`/episodes/${epId}/screentime/cast.csv`}
            download
            variant="default"
            disabled={!byCast}
          >
            CSV
          </Button>
          <Button
            component="a"
            href={castVttUrl(epId)}
            download={`${epId}-cast.vtt`}
            variant="default"
            disabled={!data}
          >
            WebVTT
          </Button>
          <Button
            component="a"
            href={`/episodes/${epId}/screentime`}
            download={`${epId}-screentime.json`}
            variant="default"
            disabled={!data}
          >
            JSON
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" p="xs">
          <Text size="xs">{error}</Text>
        </Alert>
      )}
      {missing && (
        <Alert color="gray" p="xs">
          <Text size="xs">{report.error?.message}</Text>
        </Alert>
      )}
      {report.isError && !missing && (
        <Alert color="red" p="xs">
          <Text size="xs">{report.error.message}</Text>
        </Alert>
      )}
      {data && !byCast && (
        <Alert color="yellow" p="xs">
          <Text size="xs">
            No cast member is counted yet: assign identities on Faces Review (the seconds here
            follow at once). Rows below are identities.
          </Text>
        </Alert>
      )}
      {data && (
        <>
          {rows.length === 0 ? (
            <Text size="sm" c="dimmed">
              Zero screen time: no face was on screen in this run.
            </Text>
          ) : (
            <>
              <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
                <EpisodePlayer
                  epId={epId}
                  videoRef={videoRef}
                  rows={rows}
                  reviewVersion={data.review?.version ?? null}
                  currentS={currentS}
                  onTime={setCurrentS}
                />
                <Stack gap="sm">
                  <Paper withBorder>
                    <Table striped data-testid="screentime-table">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{byCast ? 'cast member' : 'identity'}</Table.Th>
                          <Table.Th ta="right">seconds</Table.Th>
                          <Table.Th ta="right">share</Table.Th>
                          <Table.Th ta="right">tracks</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {rows.map((r) => (
                          <Table.Tr
                            key={r.label}
                            c={r.unassigned ? 'dimmed' : undefined}
                            data-testid={`screentime-row-${r.label}`}
                          >
                            <Table.Td>{r.label}</Table.Td>
                            <Table.Td ta="right" ff="monospace">
                              {r.seconds.toFixed(1)}
                            </Table.Td>
                            <Table.Td ta="right" ff="monospace">
                              {(r.share * 100).toFixed(1)} %
                            </Table.Td>
                            <Table.Td ta="right" ff="monospace">
                              {r.tracks}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Paper>
                  <Paper withBorder p="sm">
                    <Text size="xs" fw={600} mb={4}>
                      Seconds on screen
                    </Text>
                    <SecondsChart rows={rows} />
                  </Paper>
                </Stack>
              </SimpleGrid>
              <Paper withBorder p="sm">
                <Text size="xs" fw={600} mb={4}>
                  Timeline across the episode (click to seek the video)
                </Text>
                <TimelineChart
                  rows={rows}
                  durationS={data.duration_s}
                  currentS={currentS}
                  onSeek={seek}
                />
              </Paper>
            </>
          )}
        </>
      )}
    </Stack>
  );
}
