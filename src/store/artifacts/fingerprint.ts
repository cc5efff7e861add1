/**
 * @module Input fingerprints of a stage run, kept in its marker: the episode video's path, size, mtime and the
 * SHA-256 of its first and last MiB (cheap on a 2 GB file, and changed by any re-encode or truncation), and the
 * SHA-256 of each upstream marker file read. A stage whose inputs no longer match is stale.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { z } from 'zod';

/** Bytes hashed at each end of the video. */
const EDGE_BYTES = 1024 * 1024;

/** Fingerprint of the episode video. */
export const videoFingerprintSchema = z.object({
  /** The registered video path. */
  path: z.string(),
  /** Size in bytes. */
  size_bytes: z.number().int().min(0),
  /** Modification time, milliseconds since the epoch. */
  mtime_ms: z.number(),
  /** SHA-256 hex of the first and last MiB (the whole file when smaller than 2 MiB). */
  edges_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A video fingerprint. */
export type VideoFingerprint = z.infer<typeof videoFingerprintSchema>;

/**
 * @param path - the video
 * @returns its fingerprint
 * @throws the fs error when it cannot be read
 */
export function videoFingerprint(path: string): VideoFingerprint {
  const info = statSync(path);
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(EDGE_BYTES, info.size));
    readSync(fd, head, 0, head.length, 0);
    hash.update(head);
    const tailStart = Math.max(head.length, info.size - EDGE_BYTES);
    const tail = Buffer.alloc(info.size - tailStart);
    readSync(fd, tail, 0, tail.length, tailStart);
    hash.update(tail);
  } finally {
    closeSync(fd);
  }
  return {
    path,
    size_bytes: info.size,
    mtime_ms: info.mtimeMs,
    edges_sha256: hash.digest('hex'),
  };
}

/**
 * Compares a recorded video fingerprint with the video registered now; the edges are hashed only when size and
 * path match but the mtime moved (a copy of the same bytes is no change).
 * @param recorded - from a marker
 * @param path - the video registered now
 * @returns null when unchanged, else what changed (`missing`, `path`, `size`, `content`)
 */
export function videoChange(recorded: VideoFingerprint, path: string): string | null {
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = statSync(path));
  } catch {
    // Gone or unreadable: the stage's input is not there any more.
    return 'missing';
  }
  if (size !== recorded.size_bytes) {
    return 'size';
  }
  if (path === recorded.path && mtimeMs === recorded.mtime_ms) {
    return null;
  }
  return videoFingerprint(path).edges_sha256 === recorded.edges_sha256 ? null : 'content';
}

/**
 * @param path - a file (an upstream marker)
 * @returns SHA-256 hex of its bytes, or null when it cannot be read
 */
export function fileSha256(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    // Missing: nothing to fingerprint.
    return null;
  }
}
