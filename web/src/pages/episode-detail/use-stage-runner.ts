/**
 * @module What the Run, Run all, Resume and Cancel buttons of Episode Detail do. A local run keeps its request
 * open until the stage ends (aborting it kills the stage); a redis run is queued and followed through the
 * refreshed status. Run all chains the stages, each after the previous one succeeded.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { STAGES, type Stage } from '../../../../src/api/contract.ts';
import {
  cancelJob,
  getJob,
  resumeStage,
  startStage,
  type LocalResult,
  type QueuedResult,
} from '../../api-client.ts';
import { nextRefresh } from '../../hooks/refresh.ts';
import { toRunOptions, type ExecutionSettings } from '../../hooks/use-execution-settings.ts';

/** A message shown on a stage card after an action. */
export interface StageNote {
  /** `error` (red), `warning` (orange) or `info`. */
  tone: 'error' | 'warning' | 'info';
  /** One line. */
  text: string;
}

/** A local run whose request is open in this tab. */
interface LocalRun {
  startedAtMs: number;
  abort: AbortController;
}

/** What the page gets from {@link useStageRunner}. */
export interface StageRunner {
  /** Stages with a local request open in this tab, and when it started. */
  localRuns: Partial<Record<Stage, { startedAtMs: number }>>;
  /** The stage Run all is at, or null. */
  runAllAt: Stage | null;
  /** Last message per stage. */
  notes: Partial<Record<Stage, StageNote>>;
  /** Starts one stage. */
  run: (stage: Stage) => Promise<boolean>;
  /** Runs every stage in order, stopping at the first that does not succeed. */
  runAll: () => Promise<void>;
  /** Resumes a stalled, failed or cancelled stage in its run. */
  resume: (stage: Stage) => Promise<boolean>;
  /** Cancels a stage: aborts this tab's local request, else cancels the job by id. */
  cancel: (stage: Stage, jobId: string | null) => Promise<void>;
}

/**
 * @param epId - episode id
 * @param settings - execution settings of the episode
 * @returns the actions and their transient state
 */
export function useStageRunner(epId: string, settings: ExecutionSettings | undefined): StageRunner {
  const queryClient = useQueryClient();
  const [localRuns, setLocalRuns] = useState<Partial<Record<Stage, LocalRun>>>({});
  const [runAllAt, setRunAllAt] = useState<Stage | null>(null);
  const [notes, setNotes] = useState<Partial<Record<Stage, StageNote>>>({});

  const localCount = Object.keys(localRuns).length;
  useEffect(() => {
    if (localCount === 0) {
      return;
    }
    // Leaving the page drops the open request, and the API then kills the local stage: ask first.
    const warn = (e: BeforeUnloadEvent): void => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [localCount]);

  const note = (stage: Stage, value: StageNote | undefined): void =>
    setNotes((prev) => ({ ...prev, [stage]: value }));
  const refresh = (): Promise<void> => queryClient.invalidateQueries({ queryKey: ['ep', epId] });

  /** Waits until a queued job has ended; true when it succeeded. */
  async function followQueued(jobId: string): Promise<boolean> {
    for (;;) {
      const job = await getJob(jobId);
      if (job.state !== 'queued' && job.state !== 'running') {
        return job.state === 'success';
      }
      await nextRefresh();
    }
  }

  async function launch(
    stage: Stage,
    send: (signal?: AbortSignal) => Promise<LocalResult | QueuedResult>,
    follow: boolean,
  ): Promise<boolean> {
    if (!settings) {
      return false;
    }
    note(stage, undefined);
    const local = settings.execution_mode === 'local';
    const abort = new AbortController();
    if (local) {
      setLocalRuns((prev) => ({ ...prev, [stage]: { startedAtMs: Date.now(), abort } }));
    }
    void refresh();
    try {
      const result = await send(local ? abort.signal : undefined);
      if (result.execution_mode === 'local') {
        if (result.status === 'error') {
          note(stage, { tone: 'error', text: result.error ?? `${stage} failed` });
        } else if (result.warning) {
          note(stage, { tone: 'warning', text: result.warning });
        }
        return result.status === 'completed';
      }
      if (result.warning) {
        note(stage, { tone: 'warning', text: result.warning });
      }
      return follow ? await followQueued(result.job_id) : true;
    } catch (err) {
      note(stage, {
        tone: abort.signal.aborted ? 'info' : 'error',
        text: abort.signal.aborted ? `${stage} cancelled` : (err as Error).message,
      });
      return false;
    } finally {
      if (local) {
        setLocalRuns((prev) => {
          const rest = { ...prev };
          delete rest[stage];
          return rest;
        });
      }
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ['logs', epId, stage] });
    }
  }

  const options = () => toRunOptions(settings!);
  return {
    localRuns,
    runAllAt,
    notes,
    run: (stage) => launch(stage, (signal) => startStage(epId, stage, options(), signal), false),
    resume: (stage) =>
      launch(stage, (signal) => resumeStage(epId, stage, options(), signal), false),
    async runAll() {
      try {
        for (const stage of STAGES) {
          setRunAllAt(stage);
          const ok = await launch(
            stage,
            (signal) => startStage(epId, stage, options(), signal),
            true,
          );
          if (!ok) {
            return;
          }
        }
      } finally {
        setRunAllAt(null);
      }
    },
    async cancel(stage, jobId) {
      const local = localRuns[stage];
      note(stage, undefined);
      if (local) {
        local.abort.abort();
      } else if (jobId) {
        try {
          await cancelJob(jobId);
        } catch (err) {
          note(stage, { tone: 'error', text: (err as Error).message });
        }
        await refresh();
        await queryClient.invalidateQueries({ queryKey: ['logs', epId, stage] });
      }
    },
  };
}
