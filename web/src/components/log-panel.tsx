/**
 * @module Log panel: the latest job's log of a stage (either mode, also after completion or failure), noisy lines
 * (per-frame, child stderr) hidden behind a toggle; follows the end of the log while the job runs.
 */
import { Badge, Group, Paper, ScrollArea, SegmentedControl, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { STAGES, type Stage } from '../../../src/api/contract.ts';
import { getStageLogs, type ServedLogLine } from '../api-client.ts';
import { formatTime } from './format.ts';

const FIELDS_SHOWN_ELSEWHERE = new Set(['ts', 'level', 'msg', 'noisy', 'job_id', 'text']);

/**
 * Renders a line as the API's `formatLogLine` does: its `text`, else `msg` and its fields.
 * @param line - a served log line
 * @returns one line of text
 */
function renderLine(line: ServedLogLine): string {
  if (typeof line.text === 'string') {
    return line.text;
  }
  const fields = Object.entries(line).filter(([k]) => !FIELDS_SHOWN_ELSEWHERE.has(k));
  return fields.length > 0 ? `${line.msg} ${JSON.stringify(Object.fromEntries(fields))}` : line.msg;
}

const LEVEL_COLOR = { debug: 'dimmed', info: undefined, warn: 'orange.8', error: 'red.8' } as const;

/** Props of {@link LogPanel}. */
export interface LogPanelProps {
  /** Episode id. */
  epId: string;
  /** Stage whose log is shown. */
  stage: Stage;
  /** Called when the user picks another stage. */
  onStageChange: (stage: Stage) => void;
  /** Refresh interval in ms (short while a job runs). */
  refreshMs: number;
}

/** The log of the latest job of a stage. */
export function LogPanel({ epId, stage, onStageChange, refreshMs }: LogPanelProps) {
  const [showNoisy, setShowNoisy] = useState(false);
  const viewport = useRef<HTMLDivElement>(null);
  const { data } = useQuery({
    queryKey: ['logs', epId, stage],
    queryFn: () => getStageLogs(epId, stage),
    refetchInterval: refreshMs,
  });
  const job = data?.jobs[0];
  const lines = job?.lines ?? [];
  const noisyCount = lines.filter((l) => l.noisy).length;
  const shown = showNoisy ? lines : lines.filter((l) => !l.noisy);
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [shown.length]);
  return (
    <Paper withBorder p="sm" data-testid="log-panel">
      <Group justify="space-between" mb="xs">
        <Group gap="sm">
          <Text fw={600} size="sm">
            Log
          </Text>
          <SegmentedControl value={stage} onChange={(v) => onStageChange(v)} data={[...STAGES]} />
          {job && (
            <>
              <Badge size="xs" variant="outline" data-testid="log-job-state">
                {job.state}
              </Badge>
              <Text size="xs" c="dimmed">
                {job.job_id ?? 'local job'} · {job.execution_mode}
                {job.finished_at && ` · ended ${formatTime(job.finished_at)}`}
              </Text>
            </>
          )}
        </Group>
        <Switch
          size="xs"
          checked={showNoisy}
          onChange={(e) => setShowNoisy(e.currentTarget.checked)}
          label={`Show noisy lines (${noisyCount})`}
        />
      </Group>
      <ScrollArea h={220} viewportRef={viewport} type="auto">
        {shown.length === 0 ? (
          <Text size="xs" c="dimmed">
            {job ? 'No lines to show.' : `No log of ${stage} yet.`}
          </Text>
        ) : (
          shown.map((line, i) => (
            <Text
              key={i}
              ff="monospace"
              size="xs"
              c={LEVEL_COLOR[line.level]}
              style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
              data-noisy={line.noisy}
            >
              <Text span c="dimmed" ff="monospace" size="xs">
                {line.ts.slice(11, 19)}{' '}
              </Text>
              {renderLine(line)}
            </Text>
          ))
        )}
      </ScrollArea>
    </Paper>
  );
}
