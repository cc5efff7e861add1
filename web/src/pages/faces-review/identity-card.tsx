/**
 * @module One identity in the Faces Review grid: thumbnail, seconds on screen, tracks and faces, cohesion, the
 * assigned cast member or the top suggestion with its tier (accepted in one click), a cast picker, and selection.
 */
import {
  ActionIcon,
  Badge,
  Card,
  Checkbox,
  Group,
  Image,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import type { CastMemberView, ReviewIdentityView, Suggestion } from '../../api-review.ts';
import { formatDuration } from '../../components/format.ts';
import { CastPicker } from './cast-picker.tsx';

const TIER_COLOR = { auto: 'teal', high: 'green', medium: 'yellow', low: 'gray' } as const;

/** Props of {@link IdentityCard}. */
export interface IdentityCardProps {
  /** The identity. */
  identity: ReviewIdentityView;
  /** Seconds on screen under the current review (undefined: not known yet). */
  seconds: number | undefined;
  /** Its suggestions, best first. */
  suggestions: Suggestion[];
  /** The show and its cast members, for the picker. */
  show: string;
  /** Cast members. */
  cast: CastMemberView[];
  /** Cohesion below this is shown as low. */
  lowCohesion: number;
  /** In the selection. */
  selected: boolean;
  /** Has the keyboard focus. */
  focused: boolean;
  /** Toggles the selection. */
  onToggle: () => void;
  /** Opens the identity (tracks and samples). */
  onOpen: () => void;
  /** Assigns it to a cast member. */
  onAssign: (castId: string, name: string) => void;
  /** Removes its assignment. */
  onUnassign: () => void;
}

/** The card. */
export function IdentityCard(props: IdentityCardProps) {
  const { identity: idn, suggestions, selected, focused } = props;
  const top = suggestions[0];
  const low = idn.cohesion !== null && idn.cohesion < props.lowCohesion;
  return (
    <Card
      withBorder
      padding={6}
      data-testid={`identity-${idn.identity_id}`}
      style={{
        outline: focused ? '2px solid var(--mantine-color-indigo-5)' : undefined,
        background: selected ? 'var(--mantine-color-indigo-0)' : undefined,
      }}
    >
      <Group gap={8} wrap="nowrap" align="flex-start">
        <Stack gap={4} align="center">
          <Image
            src={idn.thumb_url ?? undefined}
            w={72}
            h={72}
            radius="sm"
            fit="cover"
            alt={`thumbnail of ${idn.identity_id}`}
            fallbackSrc="data:image/gif;base64,R0lGODlhAQABAAAAACw="
            style={{ cursor: 'pointer' }}
            onClick={props.onOpen}
          />
          <Checkbox
            size="xs"
            checked={selected}
            onChange={props.onToggle}
            aria-label={`select ${idn.identity_id}`}
          />
        </Stack>
        <Stack gap={3} style={{ minWidth: 0, flex: 1 }}>
          <Group gap={6} justify="space-between" wrap="nowrap">
            <Text
              size="sm"
              fw={600}
              ff="monospace"
              style={{ cursor: 'pointer' }}
              onClick={props.onOpen}
            >
              {idn.identity_id}
            </Text>
            {idn.cohesion !== null && (
              <Text
                size="xs"
                c={low ? 'orange.8' : 'dimmed'}
                title="cohesion: mean cosine of its tracks to the centroid"
              >
                coh {idn.cohesion.toFixed(2)}
              </Text>
            )}
          </Group>
          <Text size="xs" fw={600} data-testid="identity-seconds">
            {props.seconds === undefined ? '— s' : formatDuration(props.seconds)} on screen
          </Text>
          <Text size="xs" c="dimmed">
            {idn.tracks} tracks · {idn.faces} faces
          </Text>
          {idn.cast_id ? (
            <Group gap={4} wrap="nowrap">
              <Badge color="indigo" variant="filled" data-testid="assigned-name">
                {idn.name ?? idn.cast_id}
              </Badge>
              <Tooltip label="Unassign">
                <ActionIcon
                  data-edit
                  size="xs"
                  variant="subtle"
                  color="gray"
                  onClick={props.onUnassign}
                  aria-label="unassign"
                >
                  ×
                </ActionIcon>
              </Tooltip>
            </Group>
          ) : top ? (
            <Group
              gap={4}
              wrap="nowrap"
              title={`similarity ${top.similarity.toFixed(2)} (${top.source})`}
            >
              <Tooltip label={`Assign to ${top.name} (a)`}>
                <ActionIcon
                  data-edit
                  size="xs"
                  variant="light"
                  onClick={() => props.onAssign(top.cast_id, top.name)}
                  aria-label={`accept ${top.name}`}
                >
                  ✓
                </ActionIcon>
              </Tooltip>
              <Text size="xs" fw={500} truncate>
                {top.name}
              </Text>
              <Badge size="xs" color={TIER_COLOR[top.tier]} style={{ flexShrink: 0 }}>
                {top.tier}
              </Badge>
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              no suggestion
            </Text>
          )}
          <CastPicker
            show={props.show}
            cast={props.cast}
            onPick={props.onAssign}
            placeholder={idn.cast_id ? 'Reassign to…' : 'Assign to…'}
            w="100%"
            label={`assign ${idn.identity_id}`}
          />
        </Stack>
      </Group>
    </Card>
  );
}
