/**
 * @module One stage on Episode Detail: status, runtime and counts, zero results stated plainly, the error or the
 * stale reason, the live job (local request, queued, running with progress, stalled with Resume and Cancel).
 */
import { Alert, Button, Card, Group, Stack, Text } from '@mantine/core';
import type { Stage } from '../../../../src/api/contract.ts';
import type { JobStatus, StageStatusView } from '../../api-client.ts';
import { formatCount, formatDuration, formatTime } from '../../components/format.ts';
import { JobProgress } from '../../components/job-progress.tsx';
import { StageStatusBadge } from '../../components/stage-status-badge.tsx';
import { useNow } from '../../hooks/use-now.ts';
import type { StageNote } from './use-stage-runner.ts';

const ZERO_ROWS: Record<Stage, string> = {
  detect_track: 'Zero faces: no detection in this video, so there is no track.',
  faces_embed: 'Zero face samples: no track had a usable face to embed.',
  cluster: 'Zero identities: there was no track to cluster.',
  screentime: 'Zero screen time: there is no identity in this run.',
};

const NOTE_COLOR = { error: 'red.8', warning: 'orange.8', info: 'dimmed' } as const;

/** Props of {@link StageCard}. */
export interface StageCardProps {
  /** The stage. */
  stage: Stage;
  /** Its status in the latest run (undefined while loading). */
  view: StageStatusView | undefined;
  /** Its queued or running job, in any run and mode, or null. */
  job: (JobStatus | NonNullable<StageStatusView['job']>) | null;
  /** When `job` was fetched (ms). */
  fetchedAtMs: number;
  /** Set while this tab's local request for the stage is open. */
  local: { startedAtMs: number } | undefined;
  /** Last action message. */
  note: StageNote | undefined;
  /** Why Run is not possible now (upstream missing), or null. */
  blocked: string | null;
  /** Starts the stage. */
  onRun: () => void;
  /** Resumes it. */
  onResume: () => void;
  /** Cancels its job. */
  onCancel: () => void;
}

function Counts({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts);
  return entries.length === 0 ? null : (
    <Text size="xs" c="dimmed" data-testid="stage-counts">
      {entries.map(([k, v]) => `${formatCount(v)} ${k.replaceAll('_', ' ')}`).join(' · ')}
    </Text>
  );
}

function Outcome({ stage, view }: { stage: Stage; view: StageStatusView }) {
  switch (view.status) {
    case 'success':
      return (
        <>
          <Text size="xs">
            Complete{view.runtime_s !== null && ` in ${formatDuration(view.runtime_s)}`}
            {view.last_run_at && ` · finished ${formatTime(view.last_run_at)}`}
          </Text>
          {view.zero_rows && (
            <Text size="xs" fw={600} c="orange.8">
              {ZERO_ROWS[stage]}
            </Text>
          )}
          <Counts counts={view.counts} />
        </>
      );
    case 'error':
      return (
        <Text size="xs" c="red.8" data-testid="stage-error">
          Failed: {view.error ?? 'no error message was recorded'}
        </Text>
      );
    case 'stale':
      return (
        <>
          <Text size="xs" c="yellow.9">
            Stale: {view.stale_reason}
          </Text>
          <Counts counts={view.counts} />
        </>
      );
    case 'cancelled':
      return <Text size="xs">Cancelled{view.error && `: ${view.error}`}</Text>;
    default:
      return (
        <Text size="xs" c="dimmed">
          Not started in this run.
        </Text>
      );
  }
}

/** The card of one stage. */
export function StageCard(props: StageCardProps) {
  const { stage, view, job, local, note, blocked } = props;
  const now = useNow(local !== undefined);
  const busy = local !== undefined || job !== null || view?.status === 'running';
  const stalled = job?.stalled === true;
  const warning = job && 'warning' in job ? job.warning : null;
  return (
    <Card withBorder padding="sm" data-testid={`stage-${stage}`} data-status={view?.status}>
      <Group justify="space-between" mb={6}>
        <Group gap="xs">
          <Text fw={700} ff="monospace" size="sm">
            {stage}
          </Text>
          {view && (
            <StageStatusBadge
              view={busy ? { status: 'running', zero_rows: false } : view}
              stalled={stalled}
            />
          )}
        </Group>
        <Button
          data-edit
          onClick={props.onRun}
          disabled={busy || blocked !== null}
          title={blocked ?? undefined}
          variant="light"
        >
          Run
        </Button>
      </Group>
      <Stack gap={4}>
        {local && (
          <Text size="xs" fw={600} data-testid="local-running">
            Running {stage} locally… {formatDuration(Math.max(0, now - local.startedAtMs) / 1000)}
          </Text>
        )}
        {job && !local && job.state === 'queued' && (
          <Text size="xs">
            Queued{job.job_id && ` as ${job.job_id}`}
            {'workers' in job && job.workers !== null && ` · ${job.workers} workers listening`}
          </Text>
        )}
        {job && (job.state === 'running' || local) && (
          <JobProgress
            job={stalled ? { ...job, heartbeat_age_s: null } : job}
            fetchedAtMs={props.fetchedAtMs}
          />
        )}
        {local && !job && (
          <JobProgress
            job={{ progress: null, heartbeat_age_s: null, state: 'running' }}
            fetchedAtMs={props.fetchedAtMs}
          />
        )}
        {warning && (
          <Text size="xs" c="orange.8">
            {warning}
          </Text>
        )}
        {stalled ? (
          <Alert color="orange" p="xs" title="Stalled" data-testid="stalled-warning">
            <Text size="xs" mb={6}>
              Last heartbeat {Math.round(job.heartbeat_age_s ?? 0)} s ago: the runner is silent or
              gone. Resume continues from the last checkpoint in the same run; Cancel ends the job.
            </Text>
            <Group gap="xs">
              <Button data-edit color="orange" onClick={props.onResume}>
                Resume
              </Button>
              {job.job_id && (
                <Button data-edit variant="default" onClick={props.onCancel}>
                  Cancel
                </Button>
              )}
            </Group>
          </Alert>
        ) : (
          busy &&
          (local || job?.job_id) && (
            <Group>
              <Button data-edit variant="default" color="red" onClick={props.onCancel}>
                Cancel
              </Button>
            </Group>
          )
        )}
        {!busy && view && <Outcome stage={stage} view={view} />}
        {!busy && blocked && view?.status === 'not_started' && (
          <Text size="xs" c="dimmed">
            {blocked}
          </Text>
        )}
        {note && note.text !== warning && (
          <Text size="xs" c={NOTE_COLOR[note.tone]} data-testid="stage-note">
            {note.text}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
