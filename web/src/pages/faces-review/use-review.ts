/**
 * @module Data of Faces Review: the run's identities, the last suggestions, the show's cast members, the live
 * seconds on screen of each identity, the re-clustering conflicts, and one way to send an edit (it carries the
 * version last read, refreshes what changed, and reports the outcome). Long operations (Refresh similarity, Auto
 * group, Accept all auto/high) follow the episode's execution mode.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { getEpisode } from '../../api-client.ts';
import { review, type LongOpAnswer, type Suggestion } from '../../api-review.ts';
import type { ExecutionSettings } from '../../hooks/use-execution-settings.ts';
import { nextRefresh } from '../../hooks/refresh.ts';

/** The outcome line under the toolbar. */
export interface ReviewMessage {
  /** `error` or `info`. */
  tone: 'error' | 'info';
  /** One line. */
  text: string;
}

/**
 * @param epId - episode id
 * @param settings - execution settings (mode of the long operations)
 * @returns queries, the edit sender, long operations and the last message
 */
export function useReview(epId: string, settings: ExecutionSettings | undefined) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<ReviewMessage | null>(null);
  const [longOp, setLongOp] = useState<string | null>(null);
  const episode = useQuery({ queryKey: ['episode', epId], queryFn: () => getEpisode(epId) });
  const show = episode.data?.show_id;
  const identities = useQuery({
    queryKey: ['review', epId, 'identities'],
    queryFn: () => review.identities(epId),
    retry: false,
  });
  const suggestions = useQuery({
    queryKey: ['review', epId, 'suggestions'],
    queryFn: () => review.suggestions(epId),
    retry: false,
  });
  const cast = useQuery({
    queryKey: ['cast', show],
    queryFn: () => review.cast(show!),
    enabled: show !== undefined,
  });
  // Live cast screen time: recomputed by the server from the review as it is, so it follows every edit.
  const screentime = useQuery({
    queryKey: ['review', epId, 'screentime'],
    queryFn: () => review.screentime(epId),
    retry: false,
  });
  const conflicts = useQuery({
    queryKey: ['review', epId, 'conflicts'],
    queryFn: () => review.conflicts(epId),
    retry: false,
  });
  const secondsOf = new Map<string, number>(
    (screentime.data?.identities ?? []).map((i) => [i.identity_id, i.seconds]),
  );
  const bySuggestion = new Map<string, Suggestion[]>(
    (suggestions.data?.items ?? []).map((i) => [i.identity_id, i.suggestions]),
  );
  const refresh = (): Promise<void> =>
    queryClient.invalidateQueries({ queryKey: ['review', epId] });

  /** Sends an edit with the version last read; reports `done` or the server's message. */
  async function send(
    done: string,
    fn: (version?: number) => Promise<{ edit: { seq: number } }>,
  ): Promise<boolean> {
    try {
      const answer = await fn(identities.data?.version);
      setMessage({ tone: 'info', text: `${done} (edit ${answer.edit.seq}; Undo reverts it)` });
      return true;
    } catch (err) {
      setMessage({ tone: 'error', text: (err as Error).message });
      return false;
    } finally {
      await refresh();
    }
  }

  /** Runs a long operation in the chosen mode and waits for its end. */
  async function runLong(operation: string, fn: () => Promise<LongOpAnswer>): Promise<void> {
    const local = settings?.execution_mode === 'local';
    setLongOp(local ? `Running ${operation} locally…` : `${operation} queued`);
    try {
      const answer = await fn();
      if (answer.execution_mode === 'redis') {
        setLongOp(`${operation} running as ${answer.job_id}`);
        let job = await review.reviewJob(answer.job_id);
        while (job.state === 'queued' || job.state === 'running') {
          await nextRefresh();
          job = await review.reviewJob(answer.job_id);
        }
        setMessage(
          job.state === 'success'
            ? { tone: 'info', text: `${operation} done` }
            : { tone: 'error', text: job.error ?? `${operation} ${job.state}` },
        );
      } else {
        setMessage(
          answer.status === 'completed'
            ? { tone: 'info', text: answer.warning ?? `${operation} done` }
            : { tone: 'error', text: answer.error ?? `${operation} failed` },
        );
      }
    } catch (err) {
      setMessage({ tone: 'error', text: (err as Error).message });
    } finally {
      setLongOp(null);
      await refresh();
    }
  }

  return {
    show,
    identities,
    suggestions,
    cast,
    screentime,
    secondsOf,
    conflicts,
    bySuggestion,
    send,
    runLong,
    longOp,
    message,
    setMessage,
    refresh,
  };
}

/** What {@link useReview} returns. */
export type ReviewData = ReturnType<typeof useReview>;
