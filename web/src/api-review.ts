/**
 * @module Typed client of the review routes (`src/review/README.md`): cast members and facebank, identities,
 * tracks and face samples, edits and undo, suggestions, long review operations, cast screen time. Shapes are the
 * API contract's (`src/api/contract.ts`), imported as types only.
 */
import type {
  AcceptTier,
  CarryConflict,
  CastMemberView,
  CleanupPreset,
  CleanupResult,
  EditAnswer,
  FaceSampleView,
  FacebankImageView,
  LongOpAnswer,
  Page,
  ReviewIdentityView,
  ReviewJob,
  ReviewTrackView,
  RunOptions,
  ScreentimeReport,
  Suggestion,
  Versioned,
} from '../../src/api/contract.ts';
import { postForm, request } from './api-client.ts';

export type {
  CarryConflict,
  CastMemberView,
  CleanupPreset,
  CleanupResult,
  EditAnswer,
  FaceSampleView,
  FacebankImageView,
  LongOpAnswer,
  Page,
  ReviewIdentityView,
  ReviewTrackView,
  ScreentimeReport,
  Suggestion,
} from '../../src/api/contract.ts';

const ep = (epId: string): string => `/episodes/${epId}`;
const ALL = 'page_size=500';

/** Posts an edit; the version last read travels along, so a concurrent edit answers 409 instead of losing one. */
function edit(epId: string, path: string, body: object, version?: number): Promise<EditAnswer> {
  return request('POST', `${ep(epId)}${path}`, { ...body, expected_version: version });
}

/**
 * Uploads a facebank image of a cast member.
 * @throws ApiError 400 when no face is found in it
 */
async function uploadFacebank(
  show: string,
  castId: string,
  file: File,
): Promise<FacebankImageView> {
  const form = new FormData();
  form.append('file', file);
  return postForm(`/shows/${show}/cast/${castId}/facebank`, form);
}

/** The review routes. */
export const review = {
  cast: (show: string): Promise<Page<CastMemberView>> =>
    request('GET', `/shows/${show}/cast?${ALL}`),
  createCast: (show: string, name: string): Promise<CastMemberView> =>
    request('POST', `/shows/${show}/cast`, { name }),
  facebank: (show: string, castId: string): Promise<{ items: FacebankImageView[] }> =>
    request('GET', `/shows/${show}/cast/${castId}/facebank`),
  uploadFacebank,
  identities: (epId: string): Promise<Page<ReviewIdentityView> & Versioned> =>
    request('GET', `${ep(epId)}/identities?${ALL}`),
  suggestions: (
    epId: string,
  ): Promise<{
    stale: boolean;
    computed_at: string | null;
    items: Array<{ identity_id: string; suggestions: Suggestion[] }>;
  }> => request('GET', `${ep(epId)}/suggestions?${ALL}`),
  tracks: (epId: string, identityId: string): Promise<Page<ReviewTrackView> & Versioned> =>
    request('GET', `${ep(epId)}/identities/${identityId}/tracks?${ALL}`),
  faces: (epId: string, trackId: number): Promise<{ items: FaceSampleView[] }> =>
    request('GET', `${ep(epId)}/tracks/${trackId}/faces`),
  assign: (epId: string, identityId: string, castId: string, v?: number) =>
    edit(epId, `/identities/${identityId}/assign`, { cast_id: castId }, v),
  unassign: (epId: string, identityId: string, v?: number) =>
    edit(epId, `/identities/${identityId}/unassign`, {}, v),
  batchAssign: (epId: string, ids: string[], castId: string, v?: number) =>
    edit(
      epId,
      '/clusters/batch_assign',
      { assignments: ids.map((identity_id) => ({ identity_id, cast_id: castId })) },
      v,
    ),
  merge: (epId: string, sourceIds: string[], targetId: string, v?: number) =>
    edit(epId, '/identities/merge', { source_ids: sourceIds, target_id: targetId }, v),
  moveTracks: (epId: string, trackIds: number[], toIdentityId: string | null, v?: number) =>
    edit(
      epId,
      '/tracks/move',
      { track_ids: trackIds, ...(toIdentityId ? { to_identity_id: toIdentityId } : {}) },
      v,
    ),
  notAFace: (epId: string, trackIds: number[], v?: number) =>
    edit(epId, '/tracks/override', { track_ids: trackIds, ignore: true }, v),
  clearOverride: (epId: string, trackIds: number[], v?: number) =>
    edit(epId, '/tracks/clear_override', { track_ids: trackIds }, v),
  undo: (epId: string) => edit(epId, '/undo', { count: 1 }),
  refreshSimilarity: (epId: string, mode: RunOptions['execution_mode']): Promise<LongOpAnswer> =>
    request('POST', `${ep(epId)}/refresh_similarity_async`, { execution_mode: mode }),
  autoGroup: (epId: string, mode: RunOptions['execution_mode']): Promise<LongOpAnswer> =>
    request('POST', `${ep(epId)}/clusters/group_async`, { execution_mode: mode }),
  groups: (
    epId: string,
  ): Promise<{ groups: Array<{ identity_ids: string[]; similarity: number }> }> =>
    request('GET', `${ep(epId)}/clusters/groups`),
  reviewJob: (jobId: string): Promise<Pick<ReviewJob, 'state' | 'error'>> =>
    request('GET', `/review_jobs/${jobId}`),
  /** Live cast screen time under the review as it is now (`review.version` says which). */
  screentime: (epId: string): Promise<ScreentimeReport> => request('GET', `${ep(epId)}/screentime`),
  /** Assigns every unassigned identity its top suggestion of `tier` or better, as one edit. */
  acceptTier: (
    epId: string,
    tier: AcceptTier,
    mode: RunOptions['execution_mode'],
    v?: number,
  ): Promise<LongOpAnswer> =>
    request('POST', `${ep(epId)}/clusters/batch_assign_async`, {
      execution_mode: mode,
      accept_tier: tier,
      expected_version: v,
    }),
  /** Splits an identity: each group of tracks becomes a new identity (default: one per track). */
  split: (epId: string, identityId: string, groups: number[][] | undefined, v?: number) =>
    edit(epId, `/identities/${identityId}/split`, groups ? { groups } : {}, v),
  /** Excludes a face sample from its identity's embedding (`excluded: false` puts it back). */
  excludeFace: (epId: string, trackId: number, frameIdx: number, excluded: boolean, v?: number) =>
    edit(epId, '/faces/exclude', { track_id: trackId, frame_idx: frameIdx, excluded }, v),
  /**
   * Runs Episode/Cluster Cleanup in the episode's execution mode and waits for its result (polling a redis job).
   * @param apply - false: preview only; true: store the edits
   * @param expectedVersion - the preview's `version_before` (409 when the review moved on since)
   * @throws ApiError when the request is refused; Error when the operation fails
   */
  cleanup: async (
    epId: string,
    preset: CleanupPreset,
    apply: boolean,
    mode: RunOptions['execution_mode'],
    expectedVersion?: number,
  ): Promise<CleanupResult> => {
    type Answer = LongOpAnswer & { result?: CleanupResult | null };
    const answer = await request<Answer>('POST', `${ep(epId)}/cleanup_async`, {
      execution_mode: mode,
      preset,
      apply,
      expected_version: expectedVersion,
    });
    if (answer.execution_mode === 'local') {
      if (answer.status !== 'completed' || !answer.result) {
        throw new Error(answer.error ?? 'Cleanup failed');
      }
      return answer.result;
    }
    for (;;) {
      const job = await request<Pick<ReviewJob, 'state' | 'error' | 'result'>>(
        'GET',
        `/review_jobs/${answer.job_id}`,
      );
      if (job.state === 'success') {
        return job.result as CleanupResult;
      }
      if (job.state !== 'queued' && job.state !== 'running') {
        throw new Error(job.error ?? `Cleanup ${job.state}`);
      }
      await new Promise((done) => setTimeout(done, 1000));
    }
  },
  /** @returns the re-clustering conflicts still to settle */
  conflicts: (epId: string): Promise<{ items: CarryConflict[] } & Versioned> =>
    request('GET', `${ep(epId)}/conflicts`),
};
