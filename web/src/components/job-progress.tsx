/**
 * @module Progress of a running job: a bar with frames, percent, fps and ETA, and the age of the runner's last
 * heartbeat (ticking between refreshes).
 */
import { Group, Progress, Stack, Text } from '@mantine/core';
import type { JobStatus } from '../api-client.ts';
import { useNow } from '../hooks/use-now.ts';
import { formatCount, formatDuration } from './format.ts';

/** Props of {@link JobProgress}. */
export interface JobProgressProps {
  /** The job (progress may be null before the stage reports). */
  job: Pick<JobStatus, 'progress' | 'heartbeat_age_s' | 'state'>;
  /** When `job` was fetched (ms since the epoch), to age the heartbeat between refreshes. */
  fetchedAtMs: number;
}

/** Progress bar and figures of one job. */
export function JobProgress({ job, fetchedAtMs }: JobProgressProps) {
  const now = useNow();
  const p = job.progress;
  const pct = p?.pct ?? null;
  const ageS =
    job.heartbeat_age_s === null
      ? null
      : job.heartbeat_age_s + Math.max(0, (now - fetchedAtMs) / 1000);
  return (
    <Stack gap={4} data-testid="job-progress">
      <Progress
        value={pct ?? 100}
        striped={pct === null}
        animated={pct === null}
        size="md"
        aria-label="stage progress"
      />
      <Group gap={10} wrap="wrap">
        {p ? (
          <>
            <Text size="xs" data-testid="progress-frames">
              {formatCount(p.frames_done)}
              {p.frames_total !== null && ` / ${formatCount(p.frames_total)}`} frames
            </Text>
            {pct !== null && <Text size="xs">{pct.toFixed(1)} %</Text>}
            <Text size="xs">{p.fps.toFixed(1)} fps</Text>
            {p.eta_s !== null && <Text size="xs">ETA {formatDuration(p.eta_s)}</Text>}
          </>
        ) : (
          <Text size="xs" c="dimmed">
            {job.state === 'queued' ? 'queued, not started yet' : 'starting, no progress yet'}
          </Text>
        )}
        {ageS !== null && (
          <Text size="xs" c="dimmed" data-testid="heartbeat-age">
            heartbeat {Math.floor(ageS)} s ago
          </Text>
        )}
      </Group>
    </Stack>
  );
}
