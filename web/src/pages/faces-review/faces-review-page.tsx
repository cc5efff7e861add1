/**
 * @module Faces Review: the grid of identities (seconds on screen, most seconds still unassigned first) with
 * filters, multi-select with batch assign and merge, one-click assignment from a suggestion, inline cast member
 * creation, an identity drawer for track edits, split and face exclusion, re-clustering conflicts, undo, "Accept
 * all auto/high", "Auto group", "Cluster Cleanup" (Quick / Standard) and "Refresh similarity" (following the execution mode), and keyboard shortcuts.
 */
import {
  Alert,
  Button,
  Group,
  Kbd,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useState } from 'react';
import { review, type ReviewIdentityView } from '../../api-review.ts';
import { CleanupButtons } from '../../components/cleanup-buttons.tsx';
import { EpisodeHeader } from '../../components/episode-header.tsx';
import { ExecutionSettingsPanel } from '../../components/execution-settings.tsx';
import { useConfig } from '../../hooks/use-config.ts';
import { useExecutionSettings } from '../../hooks/use-execution-settings.ts';
import { CastPicker } from './cast-picker.tsx';
import { ConflictsPanel } from './conflicts-panel.tsx';
import { GroupsPanel } from './groups-panel.tsx';
import { IdentityCard } from './identity-card.tsx';
import { IdentityDrawer } from './identity-drawer.tsx';
import { useReview } from './use-review.ts';

type Filter = 'all' | 'unassigned' | 'assigned' | 'low';

const FILTERS: Array<{ value: Filter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'unassigned', label: 'Needs assignment' },
  { value: 'assigned', label: 'Assigned' },
  { value: 'low', label: 'Low cohesion' },
];

type Sort = 'unassigned' | 'id';

const SORTS: Array<{ value: Sort; label: string }> = [
  { value: 'unassigned', label: 'Unassigned seconds' },
  { value: 'id', label: 'Identity' },
];

/** Props of {@link FacesReviewPage}. */
export interface FacesReviewPageProps {
  /** Episode id from the URL. */
  epId: string;
}

/** The page. */
export function FacesReviewPage({ epId }: FacesReviewPageProps) {
  const config = useConfig();
  const [settings] = useExecutionSettings(epId);
  const data = useReview(epId, settings);
  const [filter, setFilter] = useState<Filter>('all');
  const [sort, setSort] = useState<Sort>('unassigned');
  const [selected, setSelected] = useState<string[]>([]);
  const [focus, setFocus] = useState(0);
  const [opened, setOpened] = useState<string | null>(null);
  // An identity whose tracks are less alike than two identities auto-group joins is worth a look.
  const lowCohesion = config?.review.auto_group_min_similarity ?? 0;
  const all = data.identities.data?.items ?? [];
  const shown = all.filter(
    (i) =>
      filter === 'all' ||
      (filter === 'assigned' && i.cast_id !== null) ||
      (filter === 'unassigned' && i.cast_id === null) ||
      (filter === 'low' && i.cohesion !== null && i.cohesion < lowCohesion),
  );
  // Most seconds still unassigned first (unassigned identities by seconds), then the assigned ones by seconds.
  const secondsOf = (i: ReviewIdentityView): number => data.secondsOf.get(i.identity_id) ?? 0;
  if (sort === 'unassigned') {
    shown.sort(
      (a, b) =>
        Number(a.cast_id !== null) - Number(b.cast_id !== null) || secondsOf(b) - secondsOf(a),
    );
  }
  const focused: ReviewIdentityView | undefined = shown[Math.min(focus, shown.length - 1)];
  const toggle = (id: string): void =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const assign = (ids: string[], castId: string, name: string): void => {
    void data
      .send(`Assigned ${ids.join(', ')} to ${name}`, (v) =>
        ids.length === 1
          ? review.assign(epId, ids[0]!, castId, v)
          : review.batchAssign(epId, ids, castId, v),
      )
      .then((ok) => ok && setSelected([]));
  };
  const acceptTop = (idn: ReviewIdentityView | undefined): void => {
    const top = idn && data.bySuggestion.get(idn.identity_id)?.[0];
    if (idn && top) {
      assign([idn.identity_id], top.cast_id, top.name);
    }
  };
  const merge = (): void => {
    const target =
      focused && selected.includes(focused.identity_id) ? focused.identity_id : selected[0];
    if (target && selected.length > 1) {
      void data
        .send(`Merged ${selected.length} identities into ${target}`, (v) =>
          review.merge(
            epId,
            selected.filter((s) => s !== target),
            target,
            v,
          ),
        )
        .then((ok) => ok && setSelected([]));
    }
  };
  const undo = (): void => void data.send('Undid the last edit', () => review.undo(epId));
  useHotkeys([
    ['j', () => setFocus((f) => Math.min(f + 1, shown.length - 1))],
    ['ArrowRight', () => setFocus((f) => Math.min(f + 1, shown.length - 1))],
    ['k', () => setFocus((f) => Math.max(f - 1, 0))],
    ['ArrowLeft', () => setFocus((f) => Math.max(f - 1, 0))],
    ['x', () => focused && toggle(focused.identity_id)],
    ['a', () => acceptTop(focused)],
    ['o', () => focused && setOpened(focused.identity_id)],
    ['m', merge],
    ['u', undo],
    ['mod+z', undo],
    ['Escape', () => setSelected([])],
  ]);
  const mode = settings?.execution_mode;
  const show = data.show;
  const cast = data.cast.data?.items ?? [];

  return (
    <Stack gap="sm">
      <EpisodeHeader epId={epId} />
      <ExecutionSettingsPanel epId={epId} />
      <Group justify="space-between">
        <Group gap="sm">
          <SegmentedControl value={filter} onChange={(v) => setFilter(v)} data={FILTERS} />
          <SegmentedControl
            value={sort}
            onChange={(v) => setSort(v)}
            data={SORTS}
            aria-label="Sort identities by"
          />
          <Text size="xs" c="dimmed">
            {shown.length} of {all.length} identities · run {data.identities.data?.run_id ?? '—'} ·
            review version {data.identities.data?.version ?? '—'}
          </Text>
        </Group>
        <Group gap="xs">
          {data.longOp && (
            <Text size="xs" fw={600} data-testid="review-long-op">
              {data.longOp}
            </Text>
          )}
          <Button
            data-edit
            variant="light"
            disabled={data.longOp !== null}
            onClick={() =>
              void data.runLong('Accept all auto/high', () =>
                review.acceptTier(epId, 'high', mode, data.identities.data?.version),
              )
            }
          >
            Accept all auto/high
          </Button>
          <Button
            data-edit
            variant="default"
            disabled={data.longOp !== null}
            onClick={() => void data.runLong('group', () => review.autoGroup(epId, mode))}
          >
            Auto group
          </Button>
          <CleanupButtons
            epId={epId}
            buttons={[
              { preset: 'quick', label: 'Cluster Cleanup: Quick' },
              { preset: 'standard', label: 'Cluster Cleanup: Standard' },
            ]}
            onApplied={() => void data.refresh()}
          />
          <Button
            data-edit
            variant="default"
            disabled={data.longOp !== null}
            onClick={() =>
              void data.runLong('refresh_similarity', () => review.refreshSimilarity(epId, mode))
            }
          >
            Refresh similarity
          </Button>
          <Button data-edit variant="default" onClick={undo}>
            Undo
          </Button>
        </Group>
      </Group>
      {selected.length > 0 && show && (
        <Group gap="sm" p={6} bg="indigo.0" style={{ borderRadius: 4 }}>
          <Text size="xs" fw={600}>
            {selected.length} selected
          </Text>
          <CastPicker
            show={show}
            cast={cast}
            onPick={(c, n) => assign(selected, c, n)}
            placeholder="Assign selected to…"
          />
          <Button data-edit variant="default" disabled={selected.length < 2} onClick={merge}>
            Merge into{' '}
            {focused && selected.includes(focused.identity_id) ? focused.identity_id : selected[0]}
          </Button>
          <Button variant="subtle" onClick={() => setSelected([])}>
            Clear
          </Button>
        </Group>
      )}
      {data.message && (
        <Text
          size="xs"
          c={data.message.tone === 'error' ? 'red.8' : 'dimmed'}
          data-testid="review-message"
        >
          {data.message.text}
        </Text>
      )}
      {data.identities.isError && (
        <Alert color="gray" p="xs">
          <Text size="xs">{data.identities.error.message}</Text>
        </Alert>
      )}
      <ConflictsPanel epId={epId} data={data} />
      <GroupsPanel epId={epId} data={data} />
      {data.suggestions.data?.stale && all.length > 0 && (
        <Text size="xs" c="dimmed">
          Suggestions are out of date: Refresh similarity recomputes them.
        </Text>
      )}
      <SimpleGrid cols={{ base: 2, sm: 3, md: 4, lg: 5, xl: 6 }} spacing="xs">
        {show &&
          shown.map((idn, i) => (
            <IdentityCard
              key={idn.identity_id}
              identity={idn}
              seconds={data.secondsOf.get(idn.identity_id)}
              suggestions={data.bySuggestion.get(idn.identity_id) ?? []}
              show={show}
              cast={cast}
              lowCohesion={lowCohesion}
              selected={selected.includes(idn.identity_id)}
              focused={i === focus}
              onToggle={() => toggle(idn.identity_id)}
              onOpen={() => setOpened(idn.identity_id)}
              onAssign={(c, n) => assign([idn.identity_id], c, n)}
              onUnassign={() =>
                void data.send(`Unassigned ${idn.identity_id}`, (v) =>
                  review.unassign(epId, idn.identity_id, v),
                )
              }
            />
          ))}
      </SimpleGrid>
      {data.identities.isSuccess && all.length === 0 && (
        <Text size="sm" c="dimmed">
          Zero identities in this run: nothing to review.
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Keys: <Kbd>j</Kbd>/<Kbd>k</Kbd> move · <Kbd>x</Kbd> select · <Kbd>a</Kbd> accept suggestion
        · <Kbd>o</Kbd> open · <Kbd>m</Kbd> merge selected · <Kbd>u</Kbd> undo · <Kbd>Esc</Kbd> clear
        selection
      </Text>
      <IdentityDrawer
        epId={epId}
        identity={all.find((i) => i.identity_id === opened) ?? null}
        identities={all}
        data={data}
        onClose={() => setOpened(null)}
      />
    </Stack>
  );
}
