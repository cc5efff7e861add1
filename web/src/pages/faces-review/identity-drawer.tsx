/**
 * @module An opened identity: its tracks (thumbnail, span, faces, override) with their face samples, the track
 * edits (move to another or a new identity, mark as not a face, clear the override, split tracks off or split
 * every track), and face exclusion (click a face sample).
 */
import {
  Badge,
  Button,
  Checkbox,
  Drawer,
  Group,
  Image,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { review, type FaceSampleView, type ReviewIdentityView } from '../../api-review.ts';
import { formatDuration } from '../../components/format.ts';
import type { ReviewData } from './use-review.ts';

const NEW_IDENTITY = '__new__';

function Samples({ epId, trackId, data }: { epId: string; trackId: number; data: ReviewData }) {
  const [all, setAll] = useState(false);
  const faces = useQuery({
    queryKey: ['review', epId, 'faces', trackId],
    queryFn: () => review.faces(epId, trackId),
  });
  const items = faces.data?.items ?? [];
  const embedded = items.filter((f) => f.embedded);
  const toggle = (f: FaceSampleView): void =>
    void data.send(
      `${f.excluded ? 'Put back' : 'Excluded'} the face of track ${trackId} at frame ${f.frame_idx}`,
      (v) => review.excludeFace(epId, trackId, f.frame_idx, !f.excluded, v),
    );
  return (
    <Stack gap={4}>
      <Group gap={4}>
        {(all ? items : embedded).map((f) => (
          <Image
            key={f.frame_idx}
            src={f.crop_url}
            w={56}
            h={56}
            radius="xs"
            data-testid={`face-${trackId}-${f.frame_idx}`}
            data-excluded={f.excluded}
            title={`frame ${f.frame_idx} · ${f.ts.toFixed(1)} s${f.embedded ? ' · face sample' : ' · candidate'}${f.excluded ? ' · excluded: click to put it back' : ' · click to exclude it'}`}
            onClick={() => toggle(f)}
            style={{
              cursor: 'pointer',
              opacity: f.excluded ? 0.35 : f.embedded ? 1 : 0.6,
              outline: f.excluded ? '2px solid var(--mantine-color-red-5)' : undefined,
            }}
          />
        ))}
      </Group>
      <Group gap="xs">
        <Button variant="subtle" size="compact-xs" onClick={() => setAll((v) => !v)}>
          {all
            ? `Show the ${embedded.length} face samples only`
            : `${embedded.length} face samples · show all ${items.length} candidates`}
        </Button>
        <Text size="xs" c="dimmed">
          Click a face to exclude it from the identity (not the same person, or not a face); click
          again to put it back.
        </Text>
      </Group>
    </Stack>
  );
}

/** Props of {@link IdentityDrawer}. */
export interface IdentityDrawerProps {
  /** Episode id. */
  epId: string;
  /** The opened identity, or null (closed). */
  identity: ReviewIdentityView | null;
  /** Every identity, for Move. */
  identities: ReviewIdentityView[];
  /** Review data and the edit sender. */
  data: ReviewData;
  /** Closes it. */
  onClose: () => void;
}

/** The drawer. */
export function IdentityDrawer({ epId, identity, identities, data, onClose }: IdentityDrawerProps) {
  const [picked, setPicked] = useState<number[]>([]);
  const [openTrack, setOpenTrack] = useState<number | null>(null);
  const id = identity?.identity_id;
  const tracks = useQuery({
    queryKey: ['review', epId, 'tracks', id],
    queryFn: () => review.tracks(epId, id!),
    enabled: id !== undefined,
  });
  const toggle = (t: number): void =>
    setPicked((p) => (p.includes(t) ? p.filter((x) => x !== t) : [...p, t]));
  const act = async (
    done: string,
    fn: (v?: number) => Promise<{ edit: { seq: number } }>,
  ): Promise<void> => {
    if (await data.send(done, fn)) {
      setPicked([]);
    }
  };
  const others = identities.filter((i) => i.identity_id !== id);
  return (
    <Drawer
      opened={identity !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={identity ? `${identity.identity_id} · ${identity.name ?? 'unassigned'}` : ''}
    >
      <Stack gap="xs">
        <Text size="xs" c="dimmed">
          {identity?.tracks} tracks · {identity?.faces} faces · click a track to see its face
          samples; tick tracks to move, mark or split them
        </Text>
        <Group gap="xs">
          <Select
            data-edit
            size="xs"
            w={200}
            placeholder={
              picked.length ? `Move ${picked.length} tracks to…` : 'Tick tracks to move…'
            }
            disabled={picked.length === 0}
            value={null}
            data={[
              { value: NEW_IDENTITY, label: 'a new identity' },
              ...others.map((i) => ({
                value: i.identity_id,
                label: `${i.identity_id}${i.name ? ` (${i.name})` : ''}`,
              })),
            ]}
            onChange={(v) =>
              v &&
              void act(`Moved ${picked.length} tracks`, (ver) =>
                review.moveTracks(epId, picked, v === NEW_IDENTITY ? null : v, ver),
              )
            }
          />
          <Button
            data-edit
            variant="default"
            disabled={picked.length === 0}
            onClick={() =>
              void act(`Marked ${picked.length} tracks as not a face`, (v) =>
                review.notAFace(epId, picked, v),
              )
            }
          >
            Not a face
          </Button>
          <Button
            data-edit
            variant="subtle"
            disabled={picked.length === 0}
            onClick={() =>
              void act('Cleared the override', (v) => review.clearOverride(epId, picked, v))
            }
          >
            Clear override
          </Button>
          <Button
            data-edit
            variant="default"
            disabled={picked.length === 0 || picked.length === (identity?.tracks ?? 0)}
            onClick={() =>
              void act(`Split ${picked.length} tracks off ${id}`, (v) =>
                review.split(epId, id!, [picked], v),
              )
            }
          >
            Split off
          </Button>
          <Button
            data-edit
            variant="default"
            disabled={(identity?.tracks ?? 0) < 2}
            onClick={() =>
              void act(`Split ${id} into one identity per track`, (v) =>
                review.split(epId, id!, undefined, v),
              )
            }
          >
            Split every track
          </Button>
        </Group>
        <Table verticalSpacing={4}>
          <Table.Tbody>
            {(tracks.data?.items ?? []).map((t) => (
              <Fragment key={t.track_id}>
                <Table.Tr
                  style={{ cursor: 'pointer' }}
                  onClick={() => setOpenTrack(openTrack === t.track_id ? null : t.track_id)}
                >
                  <Table.Td onClick={(e) => e.stopPropagation()}>
                    <Checkbox
                      size="xs"
                      checked={picked.includes(t.track_id)}
                      onChange={() => toggle(t.track_id)}
                      aria-label={`select track ${t.track_id}`}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Image src={t.thumb_url} w={56} h={56} radius="xs" />
                  </Table.Td>
                  <Table.Td ff="monospace">track {t.track_id}</Table.Td>
                  <Table.Td>
                    {formatDuration(t.first_ts)} – {formatDuration(t.last_ts)}
                  </Table.Td>
                  <Table.Td>{t.faces} faces</Table.Td>
                  <Table.Td>
                    {t.override?.ignore && <Badge color="gray">not a face</Badge>}
                    {t.override?.cast_id && (
                      <Badge color="violet">{t.name ?? t.override.cast_id}</Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
                {openTrack === t.track_id && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Samples epId={epId} trackId={t.track_id} data={data} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Drawer>
  );
}
