/**
 * @module Screen Time charts (recharts): seconds per cast member as bars, and a timeline of each one's intervals
 * across the episode (a stacked bar per row whose gap segments are transparent).
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
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

/** Seconds per row as horizontal bars. */
export function SecondsChart({ rows }: { rows: ScreenTimeRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={40 + rows.length * ROW_PX}>
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 24 }}>
        <CartesianGrid horizontal={false} strokeDasharray="2 4" />
        <XAxis type="number" unit=" s" fontSize={11} />
        <YAxis type="category" dataKey="label" width={140} fontSize={11} />
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

/** Intervals of each row across the episode. */
export function TimelineChart({ rows, durationS }: { rows: ScreenTimeRow[]; durationS: number }) {
  const { data, pairs } = segments(rows);
  const keys = Array.from({ length: pairs }, (_, i) => i);
  return (
    <ResponsiveContainer width="100%" height={40 + rows.length * ROW_PX}>
      <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24 }}>
        <CartesianGrid horizontal={false} strokeDasharray="2 4" />
        <XAxis
          type="number"
          domain={[0, durationS]}
          tickFormatter={(s: number) => (s === 0 ? '0' : formatDuration(s))}
          fontSize={11}
        />
        <YAxis type="category" dataKey="label" width={140} fontSize={11} />
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
      </BarChart>
    </ResponsiveContainer>
  );
}
