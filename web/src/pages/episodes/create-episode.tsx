/**
 * @module Create an episode: show, season, episode, title, and its video either uploaded (with upload progress)
 * or named by a path on the server.
 */
import {
  Alert,
  Button,
  FileInput,
  Group,
  NumberInput,
  Paper,
  Progress,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createEpisode, uploadVideo, type EpisodeView } from '../../api-client.ts';

/** Props of {@link CreateEpisode}. */
export interface CreateEpisodeProps {
  /** Called with the new episode once its video is registered. */
  onCreated: (episode: EpisodeView) => void;
}

/** The create form. */
export function CreateEpisode({ onCreated }: CreateEpisodeProps) {
  const queryClient = useQueryClient();
  const [show, setShow] = useState('');
  const [season, setSeason] = useState<number | string>(1);
  const [episode, setEpisode] = useState<number | string>(1);
  const [title, setTitle] = useState('');
  const [source, setSource] = useState<'upload' | 'path'>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [videoPath, setVideoPath] = useState('');
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(): Promise<void> {
    setError(null);
    setBusy(true);
    try {
      const base = {
        show: show.trim(),
        season: Number(season),
        episode: Number(episode),
        ...(title.trim() ? { title: title.trim() } : {}),
      };
      let created = await createEpisode(
        source === 'path' ? { ...base, video_path: videoPath.trim() } : base,
      );
      if (source === 'upload' && file) {
        setUploaded(0);
        created = await uploadVideo(created.ep_id, file, setUploaded);
      }
      await queryClient.invalidateQueries({ queryKey: ['episodes'] });
      onCreated(created);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      setUploaded(null);
    }
  }

  const ready =
    show.trim() !== '' && (source === 'upload' ? file !== null : videoPath.trim() !== '');
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Text fw={600} size="sm">
          New episode
        </Text>
        <Group gap="sm" align="flex-end">
          <TextInput
            label="Show"
            placeholder="fotb"
            value={show}
            onChange={(e) => setShow(e.currentTarget.value)}
            w={160}
          />
          <NumberInput label="Season" min={0} max={99} value={season} onChange={setSeason} w={80} />
          <NumberInput
            label="Episode"
            min={0}
            max={999}
            value={episode}
            onChange={setEpisode}
            w={80}
          />
          <TextInput
            label="Title"
            placeholder="optional"
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            w={200}
          />
        </Group>
        <Group gap="sm" align="flex-end">
          <SegmentedControl
            value={source}
            onChange={(v) => setSource(v)}
            data={[
              { value: 'upload', label: 'Upload a video' },
              { value: 'path', label: 'Path on the server' },
            ]}
          />
          {source === 'upload' ? (
            <FileInput
              aria-label="Video file"
              placeholder="Choose a video file"
              accept="video/*"
              value={file}
              onChange={setFile}
              w={320}
              size="xs"
            />
          ) : (
            <TextInput
              aria-label="Video path on the server"
              placeholder="/videos/fotb-s01e11.mp4"
              value={videoPath}
              onChange={(e) => setVideoPath(e.currentTarget.value)}
              w={320}
            />
          )}
          <Button onClick={() => void submit()} disabled={!ready} loading={busy}>
            Create episode
          </Button>
        </Group>
        {uploaded !== null && (
          <Group gap="sm">
            <Progress value={uploaded * 100} w={320} size="sm" aria-label="upload progress" />
            <Text size="xs" c="dimmed">
              {uploaded < 1 ? `Uploading ${(uploaded * 100).toFixed(0)} %` : 'Reading the video…'}
            </Text>
          </Group>
        )}
        {error && (
          <Alert color="red" p="xs">
            <Text size="xs">{error}</Text>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
