/**
 * @module Run season: runs every stage of every episode of the season in the chosen execution mode and profile,
 * and shows the progress of each episode as the server reports it (`GET .../run`, polled). The progress lives on
 * the server, so closing and reopening the page shows it again; in `redis` mode the run goes on meanwhile.
 */
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { PROFILES } from '../../../../src/api/contract.ts';
import { seasons, type SeasonEpisodeProgress } from '../../api-season.ts';
import { ACTIVE_REFRESH_MS, IDLE_REFRESH_MS } from '../../hooks/refresh.ts';
import {
  EXECUTION_MODES,
  toRunOptions,
  useExecutionSettings,
  type ExecutionMode,
} from '../../hooks/use-execution-settings.ts';

const MODE_LABEL: Record<ExecutionMode, string> = {
  redis: 'Redis (queued)',
  local: 'Local (direct)',
};

const STATE_COLOR: Record<string, string> = {
  queued: 'gray',
  running: 'blue',
  success: 'teal',
  error: 'red',
  failed: 'red',
  cancelled: 'gray',
  stalled: 'orange',
};

/** Props of {@link SeasonRun}. */
export interface SeasonRunProps {
  /** Show id. */
  show: string;
  /** Season number. */
  season: number;
  /** Called when the run starts or stops being active (the report changes as episodes end). */
  onActiveChange: (active: boolean) => void;
}

function EpisodeProgress({ e }: { e: SeasonEpisodeProgress }) {
  const active = e.state === 'running' || e.state === 'queued';
  return (
    <Table.Tr data-testid={`season-run-${e.ep_id}`} data-state={e.state}>
      <Table.Td ff="monospace">{e.ep_id}</Table.Td>
      <Table.Td ff="monospace">
        {e.stage ?? '—'}
        {e.stage_pct !== null && active && ` ${e.stage_pct.toFixed(0)} %`}
      </Table.Td>
      <Table.Td>
        <Badge color={STATE_COLOR[e.state] ?? 'gray'} variant="light">
          {e.state.replace('_', ' ')}
        </Badge>
      </Table.Td>
      <Table.Td w="40%">
        {(active || e.pct !== null) && (
          <Progress
            value={e.pct ?? 100}
            striped={active}
            animated={active}
            color={e.state === 'success' ? 'teal' : undefined}
            aria-label={`progress of ${e.ep_id}`}
          />
        )}
        {e.error && (
          <Text size="xs" c="red.8">
            {e.error}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right" ff="monospace" data-testid="season-run-pct">
        {e.pct === null ? '' : `${e.pct.toFixed(0)} %`}
      </Table.Td>
    </Table.Tr>
  );
}

/** Mode and profile selectors, the Run season button and the progress table. */
export function SeasonRun({ show, season, onActiveChange }: SeasonRunProps) {
  const [settings, change] = useExecutionSettings(`season-${show}-s${season}`);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const status = useQuery({
    queryKey: ['season-run', show, season],
    queryFn: () => seasons.runStatus(show, season),
    refetchInterval: (q) =>
      q.state.data?.active || starting ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS,
    retry: false,
  });
  const active = status.data?.active === true;
  const wasActive = useRef(false);
  useEffect(() => {
    if (wasActive.current !== active) {
      onActiveChange(active);
    }
    wasActive.current = active;
  }, [active, onActiveChange]);

  async function run(): Promise<void> {
    if (!settings) {
      return;
    }
    setStarting(true);
    setError(null);
    setWarning(null);
    try {
      const answer = await seasons.run(show, season, toRunOptions(settings));
      setWarning(answer.warning);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setStarting(false);
      await status.refetch();
      onActiveChange(false);
    }
  }

  const episodes = status.data?.episodes ?? [];
  const running = active || starting;
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="sm" align="flex-end">
            <SegmentedControl
              value={settings?.execution_mode ?? 'redis'}
              onChange={(v) => change({ execution_mode: v })}
              data={EXECUTION_MODES.map((m) => ({ value: m, label: MODE_LABEL[m] }))}
              aria-label="Execution mode"
            />
            <Select
              aria-label="Profile"
              w={140}
              value={settings?.profile ?? null}
              onChange={(v) => v && change({ profile: v })}
              data={[...PROFILES]}
              allowDeselect={false}
            />
            <Button
              data-edit
              onClick={() => void run()}
              loading={starting}
              disabled={running || !settings}
            >
              Run season
            </Button>
          </Group>
          <Text size="xs" c="dimmed" data-testid="season-run-summary">
            {running
              ? `Season run in progress: ${episodes.filter((e) => e.state === 'success').length} of ${episodes.length} episodes done`
              : settings?.execution_mode === 'local'
                ? 'Local: the episodes run one after another while this page waits; leaving the page cancels the run.'
                : 'Redis: every episode is queued for the workers; the run goes on when this page is closed.'}
          </Text>
        </Group>
        {error && (
          <Alert color="red" p="xs">
            <Text size="xs">{error}</Text>
          </Alert>
        )}
        {warning && (
          <Alert color="yellow" p="xs">
            <Text size="xs">{warning}</Text>
          </Alert>
        )}
        {status.isError && (
          <Text size="xs" c="dimmed">
            Season run status unavailable: {status.error.message}
          </Text>
        )}
        {episodes.length > 0 && (
          <Table verticalSpacing={2} data-testid="season-run">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>episode</Table.Th>
                <Table.Th>stage</Table.Th>
                <Table.Th>state</Table.Th>
                <Table.Th>episode progress (four stages)</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {episodes.map((e) => (
                <EpisodeProgress key={e.ep_id} e={e} />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
