/**
 * @module The episode player of Screen Time: the episode's video (streamed with HTTP range requests, so seeking
 * loads only what it shows) with the "who is on screen" WebVTT track of the cast names as subtitles, and a line
 * naming who is on screen at the playhead. The track follows the review: a new review version reloads it.
 */
import { Group, Paper, Stack, Text } from '@mantine/core';
import type { RefObject } from 'react';
import { castVttUrl, videoUrl } from '../../api-season.ts';
import { formatDuration } from '../../components/format.ts';
import type { ScreenTimeRow } from './screen-time-charts.tsx';

/** Props of {@link EpisodePlayer}. */
export interface EpisodePlayerProps {
  /** Episode id. */
  epId: string;
  /** The video element, for seeking from the timeline. */
  videoRef: RefObject<HTMLVideoElement | null>;
  /** Rows of the report (cast members, or identities before any assignment). */
  rows: ScreenTimeRow[];
  /** Review version the rows reflect (reloads the track when it changes). */
  reviewVersion: number | null;
  /** Seconds at the playhead. */
  currentS: number;
  /** Called as the video plays or seeks. */
  onTime: (s: number) => void;
}

/** Rows on screen at `t` (seconds). */
function onScreenAt(rows: ScreenTimeRow[], t: number): string[] {
  return rows
    .filter((r) => !r.unassigned && r.intervals.some(([a, b]) => a <= t && t <= b))
    .map((r) => r.label);
}

/** Video with the cast track and the names on screen now. */
export function EpisodePlayer(props: EpisodePlayerProps) {
  const { epId, videoRef, rows, reviewVersion, currentS } = props;
  const names = onScreenAt(rows, currentS);
  return (
    <Paper withBorder p="sm">
      <Stack gap={6}>
        <video
          ref={videoRef}
          controls
          preload="metadata"
          src={videoUrl(epId)}
          data-testid="episode-video"
          style={{ width: '100%', maxHeight: 420, background: 'black', borderRadius: 4 }}
          onTimeUpdate={(e) => props.onTime(e.currentTarget.currentTime)}
          onSeeked={(e) => props.onTime(e.currentTarget.currentTime)}
        >
          <track
            key={reviewVersion ?? 'none'}
            kind="subtitles"
            label="Who is on screen"
            srcLang="en"
            src={`${castVttUrl(epId)}${reviewVersion === null ? '' : `?v=${reviewVersion}`}`}
            default
          />
        </video>
        <Group gap="xs">
          <Text size="xs" ff="monospace" data-testid="player-time">
            {formatDuration(currentS)}
          </Text>
          <Text size="xs" fw={600} data-testid="on-screen-now">
            {names.length > 0 ? `On screen: ${names.join(', ')}` : 'No cast member on screen'}
          </Text>
          <Text size="xs" c="dimmed">
            · subtitles name the cast members on screen; click the timeline to seek
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
}
