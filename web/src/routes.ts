/**
 * @module Client routes of the UI. Pages other than Episodes live under `/ui/` so that no page path collides
 * with an API path (`GET /episodes/{ep_id}` is JSON); the server answers `/ui/*` with the app.
 */

/** Paths of the pages. */
export const paths = {
  episodes: '/',
  episode: (epId: string): string => `/ui/episodes/${epId}`,
  facesReview: (epId: string): string => `/ui/episodes/${epId}/faces`,
  screenTime: (epId: string): string => `/ui/episodes/${epId}/screen-time`,
  cast: (show: string): string => `/ui/shows/${show}/cast`,
  shows: '/ui/shows',
  season: (show: string, season: number): string => `/ui/shows/${show}/seasons/${season}`,
};
