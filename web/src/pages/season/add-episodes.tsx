/**
 * @module Add episodes to a season: video paths on the server (one a line) or several video files uploaded in one
 * request. Episode numbers come from the file names (`S01E03`, `1x03`, `E03`), else from the sorted order; the
 * answer lists the episodes registered and the files skipped, with why.
 */
import { Alert, Button, FileInput, Modal, Stack, Tabs, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { seasons, type AddEpisodesAnswer } from '../../api-season.ts';

/** Props of {@link AddEpisodes}. */
export interface AddEpisodesProps {
  /** Show id. */
  show: string;
  /** Season number. */
  season: number;
  /** The dialog is open. */
  opened: boolean;
  /** Closes it. */
  onClose: () => void;
  /** Called once episodes are registered. */
  onAdded: () => void;
}

/** The Add episodes dialog. */
export function AddEpisodes({ show, season, opened, onClose, onAdded }: AddEpisodesProps) {
  const [tab, setTab] = useState<string | null>('paths');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<AddEpisodesAnswer | null>(null);
  const videoPaths = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

  async function add(): Promise<void> {
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      const result =
        tab === 'paths'
          ? await seasons.addPaths(show, season, videoPaths)
          : await seasons.uploadEpisodes(show, season, files);
      setAnswer(result);
      setText('');
      setFiles([]);
      onAdded();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const ready = tab === 'paths' ? videoPaths.length > 0 : files.length > 0;
  return (
    <Modal opened={opened} onClose={onClose} title={`Add episodes to season ${season}`} size="lg">
      <Stack gap="sm">
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List>
            <Tabs.Tab value="paths">Server paths</Tabs.Tab>
            <Tabs.Tab value="upload">Upload files</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="paths" pt="xs">
            <Textarea
              label="Video paths on the server, one a line"
              placeholder="/media/show/S01E01.mp4"
              autosize
              minRows={4}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
            />
          </Tabs.Panel>
          <Tabs.Panel value="upload" pt="xs">
            <FileInput
              label="Video files"
              placeholder="Pick one or more videos"
              multiple
              accept="video/*"
              value={files}
              onChange={setFiles}
              clearable
            />
          </Tabs.Panel>
        </Tabs>
        <Text size="xs" c="dimmed">
          Episode numbers come from the file names (S01E03, 1x03 or E03), else from their sorted
          order.
        </Text>
        <Button onClick={() => void add()} loading={busy} disabled={!ready}>
          Add episodes
        </Button>
        {error && (
          <Alert color="red" p="xs">
            <Text size="xs">{error}</Text>
          </Alert>
        )}
        {answer && (
          <Stack gap={2} data-testid="add-episodes-answer">
            {answer.items.map((i) => (
              <Text key={i.ep_id} size="xs">
                {i.ep_id}: episode {i.episode} from {i.file}
              </Text>
            ))}
            {answer.skipped.map((s) => (
              <Text key={s.file} size="xs" c="red.8">
                skipped {s.file}: {s.reason}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
