/**
 * @module Facebank upload of several images at once: drop them on the zone (or pick them), one upload request per
 * image, and per image the face crop the server enrolled or the reason it refused the image (no face, too small).
 */
import { Button, Group, Image, Loader, Paper, Stack, Text } from '@mantine/core';
import { useRef, useState, type DragEvent } from 'react';
import { review, type FacebankImageView } from '../../api-review.ts';

/** Image types the facebank takes. */
const ACCEPT = ['image/jpeg', 'image/png', 'image/webp'];

/** Outcome of one dropped image. */
interface Upload {
  /** Key in the list. */
  key: string;
  /** File name. */
  name: string;
  /** Uploading, enrolled, or refused. */
  state: 'uploading' | 'enrolled' | 'refused';
  /** The enrolled image. */
  image?: FacebankImageView;
  /** Why it was refused. */
  error?: string;
}

/** Props of {@link FacebankDrop}. */
export interface FacebankDropProps {
  /** Show id. */
  show: string;
  /** Cast member id. */
  castId: string;
  /** Cast member name (labels). */
  name: string;
  /** Called after the uploads of one drop have ended. */
  onUploaded: () => void;
}

/** A drop zone for facebank images with the outcome of each. */
export function FacebankDrop({ show, castId, name, onUploaded }: FacebankDropProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const update = (key: string, change: Partial<Upload>): void =>
    setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));

  async function uploadAll(files: File[]): Promise<void> {
    const batch = files.map((f, i) => ({ file: f, key: `${Date.now()}-${i}-${f.name}` }));
    setUploads((all) => [
      ...batch.map(({ file, key }): Upload => ({ key, name: file.name, state: 'uploading' })),
      ...all,
    ]);
    // One request per image, one after another: the server embeds each, and the order stays the user's.
    for (const { file, key } of batch) {
      if (!ACCEPT.includes(file.type)) {
        update(key, { state: 'refused', error: 'not a JPEG, PNG or WebP image' });
        continue;
      }
      try {
        const image = await review.uploadFacebank(show, castId, file);
        update(key, { state: 'enrolled', image });
      } catch (err) {
        update(key, { state: 'refused', error: (err as Error).message });
      }
    }
    onUploaded();
  }

  function onDrop(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    setOver(false);
    void uploadAll([...e.dataTransfer.files]);
  }

  return (
    <Stack gap={4}>
      <Paper
        withBorder
        p={6}
        data-testid={`facebank-drop-${castId}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          background: over ? 'var(--mantine-color-indigo-0)' : undefined,
        }}
      >
        <Group gap={6} justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed">
            Drop face images of {name} here
          </Text>
          <Button
            data-edit
            variant="subtle"
            size="compact-xs"
            onClick={() => input.current?.click()}
          >
            + images
          </Button>
        </Group>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          accept={ACCEPT.join(',')}
          aria-label={`facebank images of ${name}`}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            void uploadAll(files);
          }}
        />
      </Paper>
      {uploads.length > 0 && (
        <Group gap={8} align="flex-start" data-testid={`facebank-uploads-${castId}`}>
          {uploads.map((u) => (
            <Stack key={u.key} gap={2} w={96} data-testid="facebank-upload" data-state={u.state}>
              {u.state === 'uploading' && <Loader size="sm" />}
              {u.image && (
                <Image
                  src={u.image.thumb_url}
                  w={64}
                  h={64}
                  radius="xs"
                  alt={`face enrolled from ${u.name}`}
                />
              )}
              <Text size="xs" truncate title={u.name}>
                {u.name}
              </Text>
              {u.error && (
                <Text size="xs" c="red.8" data-testid="facebank-upload-error">
                  {u.error}
                </Text>
              )}
            </Stack>
          ))}
        </Group>
      )}
    </Stack>
  );
}
