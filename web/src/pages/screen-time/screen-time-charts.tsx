/**
 * @module Screen Time charts (recharts): seconds per cast member as bars, and a timeline of each one's intervals
 * across the episode (a stacked bar per row whose gap segments are transparent) with the video's playhead, where
 * a click seeks the video.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MouseEvent } from 'react';
import { formatDuration } from '../../components/format.ts';

/** One row of the report: a cast member, an identity, or the unassigned bucket. */
export interface ScreenTimeRow {
  /** Row label. */
  label: string;
  /** Seconds on screen. */
  seconds: number;
  /** Share of the episode, 0..1. */
  share: number;
  /** Tracks counted. */
  tracks: number;
  /** Intervals `[start, end]` in seconds. */
  intervals: Array<[number, number]>;
  /** The unassigned bucket. */
  unassigned?: boolean;
}

const COLOR = '#5c7cfa';
const MUTED = '#adb5bd';
const ROW_PX = 26;
const AXIS_PX = 140;
const MARGIN_LEFT_PX = 8;
const MARGIN_RIGHT_PX = 24;

/** Seconds per row as horizontal bars. */
export function SecondsChart({ rows }: { rows: ScreenTimeRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={40 + rows.length * ROW_PX}>
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 24 }}>
        <CartesianGrid horizontal={false} strokeDasharray="2 4" />
        <XAxis type="number" unit=" s" fontSize={11} />
        <YAxis type="category" dataKey="label" width={AXIS_PX} fontSize={11} />
        <Tooltip formatter={(v) => formatDuration(Number(v))} />
        <Bar dataKey="seconds" isAnimationActive={false} barSize={14}>
          {rows.map((r) => (
            <Cell key={r.label} fill={r.unassigned ? MUTED : COLOR} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}

/**
 * Turns intervals into alternating gap / on segments: `g0, s0, g1, s1, ...` lengths in seconds.
 * @returns one record per row and the number of segment pairs
 */
function segments(rows: ScreenTimeRow[]): {
  data: Array<Record<string, number | string>>;
  pairs: number;
} {
  const pairs = Math.max(0, ...rows.map((r) => r.intervals.length));
  const data = rows.map((r) => {
    const rec: Record<string, number | string> = { label: r.label };
    let t = 0;
    r.intervals.forEach(([a, b], i) => {
      rec[`g${i}`] = Math.max(0, a - t);
      rec[`s${i}`] = Math.max(0, b - Math.max(a, t));
      t = Math.max(t, b);
    });
    return rec;
  });
  return { data, pairs };
}

/** Props of {@link TimelineChart}. */
export interface TimelineChartProps {
  /** Rows to draw. */
  rows: ScreenTimeRow[];
  /** Episode duration in seconds (the axis). */
  durationS: number;
  /** Playhead in seconds, drawn as a line (absent: none). */
  currentS?: number;
  /** Called with the seconds under a click (absent: clicks do nothing). */
  onSeek?: (s: number) => void;
}

/** Intervals of each row across the episode; a click seeks to the time under the pointer. */
export function TimelineChart({ rows, durationS, currentS, onSeek }: TimelineChartProps) {
  const { data, pairs } = segments(rows);
  const keys = Array.from({ length: pairs }, (_, i) => i);
  // The plot spans the width less the category axis and the margins: map the click's x onto it.
  const seek = (e: MouseEvent<HTMLDivElement>): void => {
    const box = e.currentTarget.getBoundingClientRect();
    const plotPx = box.width - MARGIN_LEFT_PX - AXIS_PX - MARGIN_RIGHT_PX;
    const x = e.clientX - box.left - MARGIN_LEFT_PX - AXIS_PX;
    if (onSeek && plotPx > 0 && x >= 0 && x <= plotPx) {
      onSeek((x / plotPx) * durationS);
    }
  };
  return (
    <div
      onClick={seek}
      style={{ cursor: onSeek ? 'pointer' : undefined }}
      data-testid="timeline"
      title={onSeek ? 'Click to seek the video' : undefined}
    >
      <ResponsiveContainer width="100%" height={40 + rows.length * ROW_PX}>
        <BarChart
          data={data}
          layout="vertical"
          margin={{ left: MARGIN_LEFT_PX, right: MARGIN_RIGHT_PX }}
          accessibilityLayer={false}
        >
          <CartesianGrid horizontal={false} strokeDasharray="2 4" />
          <XAxis
            type="number"
            domain={[0, durationS]}
            tickFormatter={(s: number) => (s === 0 ? '0' : formatDuration(s))}
            fontSize={11}
          />
          <YAxis type="category" dataKey="label" width={AXIS_PX} fontSize={11} />
          {keys.flatMap((i) => [
            <Bar
              key={`g${i}`}
              dataKey={`g${i}`}
              stackId="t"
              fill="transparent"
              isAnimationActive={false}
              barSize={12}
            />,
            <Bar key={`s${i}`} dataKey={`s${i}`} stackId="t" isAnimationActive={false} barSize={12}>
              {rows.map((r) => (
                <Cell key={r.label} fill={r.unassigned ? MUTED : COLOR} />
              ))}
            </Bar>,
          ])}
          {currentS !== undefined && (
            <ReferenceLine x={currentS} stroke="#e03131" strokeWidth={2} ifOverflow="hidden" />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
