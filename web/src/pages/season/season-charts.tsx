/**
 * @module Season charts (recharts): seconds per episode as one stacked bar per episode (a segment per cast member,
 * and the unassigned seconds), and the season total per cast member as horizontal bars. Colours follow the cast
 * member's rank in the season, so both charts and the co-appearance matrix agree.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SeasonReport } from '../../api-season.ts';
import { formatDuration } from '../../components/format.ts';

const PALETTE = [
  '#4263eb',
  '#f76707',
  '#0ca678',
  '#e64980',
  '#7048e8',
  '#f59f00',
  '#1098ad',
  '#d6336c',
  '#74b816',
  '#ae3ec9',
];
const MUTED = '#ced4da';
const UNASSIGNED = '__unassigned';
const ROW_PX = 26;

/**
 * @param index - the cast member's rank in the season report (0 = most seconds)
 * @returns its colour, shared by every season chart
 */
export function castColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Props of the season charts. */
export interface SeasonChartProps {
  /** The season report. */
  report: SeasonReport;
}

/** One stacked bar per episode: seconds of each cast member, then the unassigned seconds. */
export function EpisodeStackChart({ report }: SeasonChartProps) {
  const data = report.episodes.map((e) => {
    const row: Record<string, number | string> = {
      label: `E${String(e.episode).padStart(2, '0')}`,
      [UNASSIGNED]: e.unassigned_s,
    };
    for (const c of report.cast) {
      row[c.cast_id] = c.seconds_by_episode[e.ep_id] ?? 0;
    }
    return row;
  });
  const names = new Map(report.cast.map((c) => [c.cast_id, c.name]));
  return (
    <ResponsiveContainer width="100%" height={300}>
      <BarChart data={data} margin={{ left: 8, right: 16, top: 8 }}>
        <CartesianGrid vertical={false} strokeDasharray="2 4" />
        <XAxis dataKey="label" fontSize={11} />
        <YAxis unit=" s" fontSize={11} width={64} />
        <Tooltip
          formatter={(v, key) => [
            formatDuration(Number(v)),
            key === UNASSIGNED ? 'unassigned' : (names.get(String(key)) ?? String(key)),
          ]}
        />
        <Legend
          formatter={(key: string) => (key === UNASSIGNED ? 'unassigned' : (names.get(key) ?? key))}
          wrapperStyle={{ fontSize: 12 }}
        />
        {report.cast.map((c, i) => (
          <Bar
            key={c.cast_id}
            dataKey={c.cast_id}
            stackId="s"
            fill={castColor(i)}
            isAnimationActive={false}
            maxBarSize={64}
          />
        ))}
        <Bar
          dataKey={UNASSIGNED}
          stackId="s"
          fill={MUTED}
          isAnimationActive={false}
          maxBarSize={64}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Season total per cast member as horizontal bars. */
export function SeasonTotalsChart({ report }: SeasonChartProps) {
  const data = report.cast.map((c) => ({ label: c.name, seconds: c.total_s }));
  return (
    <ResponsiveContainer width="100%" height={40 + data.length * ROW_PX}>
      <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24 }}>
        <CartesianGrid horizontal={false} strokeDasharray="2 4" />
        <XAxis type="number" unit=" s" fontSize={11} />
        <YAxis type="category" dataKey="label" width={130} fontSize={11} />
        <Tooltip formatter={(v) => formatDuration(Number(v))} />
        <Bar dataKey="seconds" isAnimationActive={false} barSize={14}>
          {data.map((d, i) => (
            <Cell key={d.label} fill={castColor(i)} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
