/** @module Header of the pages of one episode: id, title, video summary, and links to its other pages. */
import { Anchor, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { getEpisode, getVideoMeta } from '../api-client.ts';
import { paths } from '../routes.ts';
import { formatDuration } from './format.ts';

/** Props of {@link EpisodeHeader}. */
export interface EpisodeHeaderProps {
  /** Episode id. */
  epId: string;
}

/** Title line and page links of an episode. */
export function EpisodeHeader({ epId }: EpisodeHeaderProps) {
  const [location] = useLocation();
  const episode = useQuery({ queryKey: ['episode', epId], queryFn: () => getEpisode(epId) });
  const video = useQuery({
    queryKey: ['video', epId],
    queryFn: () => getVideoMeta(epId),
    enabled: episode.data?.has_video === true,
  });
  const probe = video.data?.probe;
  const links = [
    { href: paths.episode(epId), label: 'Episode Detail' },
    { href: paths.facesReview(epId), label: 'Faces Review' },
    { href: paths.screenTime(epId), label: 'Screen Time' },
    ...(episode.data
      ? [
          {
            href: paths.season(episode.data.show_id, episode.data.season),
            label: `Season ${episode.data.season}`,
          },
          { href: paths.cast(episode.data.show_id), label: 'Cast' },
        ]
      : []),
  ];
  return (
    <Stack gap={2} mb="md">
      <Group justify="space-between" align="flex-end">
        <Group gap="sm" align="baseline">
          <Title order={2}>{epId}</Title>
          {episode.data?.title && <Text c="dimmed">{episode.data.title}</Text>}
        </Group>
        <Group gap="md">
          {links.map((l) => (
            <Anchor
              key={l.href}
              component={Link}
              href={l.href}
              size="sm"
              fw={location === l.href ? 700 : 400}
              c={location === l.href ? undefined : 'dimmed'}
            >
              {l.label}
            </Anchor>
          ))}
        </Group>
      </Group>
      <Text size="xs" c="dimmed">
        {episode.isError
          ? episode.error.message
          : probe
            ? `${formatDuration(probe.duration_s)} · ${probe.fps.toFixed(2)} fps · ${probe.width_px} x ${probe.height_px} · ${probe.codec} · ${video.data?.video_path}`
            : episode.data && !episode.data.has_video
              ? 'No video yet: upload one from the Episodes page'
              : ' '}
      </Text>
    </Stack>
  );
}
