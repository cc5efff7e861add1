/**
 * @module From what a reviewer asks to the edit that is stored: defaults filled in and new identity ids chosen
 * against the state at the time of the edit, so that replaying the log always gives the same identities.
 */
import { InputError } from '../errors.ts';
import { formatIdentityId, requireIdentity } from './apply.ts';
import type { Edit, ReviewState } from './state.ts';

/** An edit as a reviewer asks for it (see src/review/README.md for the routes). */
export type EditRequest =
  | {
      kind: 'assign';
      assignments: {
        identity_id: string;
        cast_id: string;
        tier?: 'auto' | 'high' | 'medium' | 'low';
        similarity?: number;
      }[];
    }
  | { kind: 'unassign'; identity_ids: string[] }
  | { kind: 'override'; track_ids: number[]; cast_id?: string | null; ignore?: boolean }
  | { kind: 'clear_override'; track_ids: number[] }
  | { kind: 'exclude_face'; track_id: number; frame_idx: number; excluded?: boolean }
  | { kind: 'merge'; source_ids: string[]; target_id: string }
  | { kind: 'move'; track_ids: number[]; to_identity_id?: string | null }
  | { kind: 'split'; identity_id: string; groups?: number[][] }
  | { kind: 'cut_track'; cuts: Omit<TrackCutEdit, 'to_identity_id'>[] };

/** One cut of a `cut_track` edit (see state.ts). */
type TrackCutEdit = Extract<Edit, { kind: 'cut_track' }>['cuts'][number];

/** Cast ids an edit request points at (to check they exist in the show). */
export function castIdsOf(request: EditRequest): string[] {
  switch (request.kind) {
    case 'assign':
      return request.assignments.map((a) => a.cast_id);
    case 'override':
      return request.cast_id ? [request.cast_id] : [];
    default:
      return [];
  }
}

/**
 * @param state - the review state the edit applies to
 * @param request - the reviewer's request
 * @returns the edit to store and apply
 * @throws InputError when the request is empty or contradictory; NotFoundError / ConflictError for an identity
 *   the state does not have
 */
export function planEdit(state: ReviewState, request: EditRequest): Edit {
  switch (request.kind) {
    case 'override': {
      const ignore = request.ignore === true;
      if (ignore && request.cast_id) {
        throw new InputError('A track override is either a cast_id or ignore: true, not both');
      }
      return {
        kind: 'override',
        track_ids: request.track_ids,
        cast_id: request.cast_id ?? null,
        ignore,
      };
    }
    case 'exclude_face':
      return { ...request, excluded: request.excluded ?? true };
    case 'move': {
      const to = request.to_identity_id ?? null;
      return to === null
        ? {
            kind: 'move',
            track_ids: request.track_ids,
            to_identity_id: formatIdentityId(state.next_identity),
            created: true,
          }
        : { kind: 'move', track_ids: request.track_ids, to_identity_id: to, created: false };
    }
    case 'split': {
      const source = requireIdentity(state, request.identity_id);
      if (source.track_ids.length < 2) {
        throw new InputError(
          `Identity ${request.identity_id} has one track: nothing to split (move the track instead)`,
        );
      }
      let groups = request.groups ?? source.track_ids.slice(1).map((t) => [t]);
      if (groups.flat().length >= source.track_ids.length) {
        groups = groups.slice(1);
      }
      if (groups.length === 0) {
        throw new InputError(`Split of ${request.identity_id} needs at least two groups of tracks`);
      }
      const newIds = groups.map((_, k) => formatIdentityId(state.next_identity + k));
      return { kind: 'split', identity_id: request.identity_id, groups, new_ids: newIds };
    }
    case 'cut_track':
      return {
        kind: 'cut_track',
        cuts: request.cuts.map((c, k) => ({
          ...c,
          to_identity_id: formatIdentityId(state.next_identity + k),
        })),
      };
    default:
      return request;
  }
}
