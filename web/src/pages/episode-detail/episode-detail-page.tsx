/**
 * @module Episode Detail: Execution Settings, a card per stage with its status and live job, Run all, Episode
 * Cleanup (preview, then Apply; once clustered), and the log panel. After a reload the running jobs (both modes)
 * come back from `GET /episodes/{ep_id}/jobs/running`.
 */
import { Alert, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { STAGES, type Stage } from '../../../../src/api/contract.ts';
import { getRunningJobs, getStatus, type EpisodeStatus } from '../../api-client.ts';
import { CleanupButtons } from '../../components/cleanup-buttons.tsx';
import { EpisodeHeader } from '../../components/episode-header.tsx';
import { ExecutionSettingsPanel } from '../../components/execution-settings.tsx';
import { LogPanel } from '../../components/log-panel.tsx';
import { ACTIVE_REFRESH_MS, IDLE_REFRESH_MS } from '../../hooks/refresh.ts';
import { useConfig } from '../../hooks/use-config.ts';
import { useExecutionSettings } from '../../hooks/use-execution-settings.ts';
import { HeavyRunConfirm, isHeavyLocalCpuRun } from './heavy-run-confirm.tsx';
import { StageCard } from './stage-card.tsx';
import { useStageRunner } from './use-stage-runner.ts';

/** Props of {@link EpisodeDetailPage}. */
export interface EpisodeDetailPageProps {
  /** Episode id from the URL. */
  epId: string;
}

function upstreamMissing(status: EpisodeStatus | undefined, index: number): string | null {
  const up = STAGES[index - 1];
  if (!status || !up) {
    return null;
  }
  const s = status.stages[up].status;
  return s === 'success' || s === 'stale' ? null : `Run ${up} first`;
}

function latestStage(status: EpisodeStatus): Stage {
  const done = STAGES.filter((s) => status.stages[s].last_run_at !== null);
  return (
    done.sort((a, b) =>
      status.stages[a].last_run_at! < status.stages[b].last_run_at! ? 1 : -1,
    )[0] ?? 'detect_track'
  );
}

/** The page. */
export function EpisodeDetailPage({ epId }: EpisodeDetailPageProps) {
  const config = useConfig();
  const [settings] = useExecutionSettings(epId);
  const runner = useStageRunner(epId, settings);
  const [active, setActive] = useState(false);
  const refetchInterval = active ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS;
  const status = useQuery({
    queryKey: ['ep', epId, 'status'],
    queryFn: () => getStatus(epId),
    refetchInterval,
  });
  const running = useQuery({
    queryKey: ['ep', epId, 'running'],
    queryFn: () => getRunningJobs(epId),
    refetchInterval,
  });
  const jobs = running.data?.jobs ?? [];
  const anyLocal = Object.keys(runner.localRuns).length > 0;
  const nowActive =
    anyLocal || jobs.length > 0 || STAGES.some((s) => status.data?.stages[s].status === 'running');
  useEffect(() => setActive(nowActive), [nowActive]);

  const [logStage, setLogStage] = useState<Stage | null>(null);
  const shownLogStage =
    logStage ?? jobs[0]?.stage ?? (status.data ? latestStage(status.data) : 'detect_track');
  const [pending, setPending] = useState<{ label: string; go: () => void } | null>(null);
  const guard = (label: string, go: () => void): void => {
    if (settings && config && isHeavyLocalCpuRun(settings, config)) {
      setPending({ label, go });
    } else {
      go();
    }
  };
  const runOne = (stage: Stage): void =>
    guard(stage, () => {
      setLogStage(stage);
      void runner.run(stage);
    });

  return (
    <Stack gap="sm">
      <EpisodeHeader epId={epId} />
      <ExecutionSettingsPanel epId={epId} />
      {status.isError && <Alert color="red">{status.error.message}</Alert>}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {status.data?.run_id ? `Run ${status.data.run_id}` : 'No run yet: Run all starts one'}
        </Text>
        <Group gap="xs">
          {status.data?.stages.cluster.status === 'success' && (
            <CleanupButtons
              epId={epId}
              buttons={[{ preset: 'standard', label: 'Episode Cleanup' }]}
            />
          )}
          <Button
            data-edit
            onClick={() =>
              guard('Run all', () => {
                setLogStage(null);
                void runner.runAll();
              })
            }
            disabled={!settings || runner.runAllAt !== null || nowActive}
          >
            {runner.runAllAt
              ? `Running all: ${runner.runAllAt} (${STAGES.indexOf(runner.runAllAt) + 1}/${STAGES.length})`
              : 'Run all'}
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2, xl: 4 }} spacing="sm">
        {STAGES.map((stage, i) => {
          const job = jobs.find((j) => j.stage === stage) ?? status.data?.stages[stage].job ?? null;
          return (
            <StageCard
              key={stage}
              stage={stage}
              view={status.data?.stages[stage]}
              job={job}
              fetchedAtMs={running.dataUpdatedAt}
              local={runner.localRuns[stage]}
              note={runner.notes[stage]}
              blocked={upstreamMissing(status.data, i)}
              onRun={() => runOne(stage)}
              onResume={() => void runner.resume(stage)}
              onCancel={() => void runner.cancel(stage, job?.job_id ?? null)}
            />
          );
        })}
      </SimpleGrid>
      <LogPanel
        epId={epId}
        stage={shownLogStage}
        onStageChange={setLogStage}
        refreshMs={nowActive ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS}
      />
      {settings && config && (
        <HeavyRunConfirm
          pending={pending}
          onClose={() => setPending(null)}
          settings={settings}
          config={config}
        />
      )}
    </Stack>
  );
}
