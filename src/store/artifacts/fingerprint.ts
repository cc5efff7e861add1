/**
 * @module Input fingerprints of a stage run, kept in its marker: the episode video's path, size, mtime and the
 * SHA-256 of its first and last MiB (cheap on a 2 GB file, and changed by any re-encode or truncation), and the
 * SHA-256 of each upstream marker file read. A stage whose inputs no longer match is stale.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
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

/** Fingerprint of an upstream artifact file. */
export const fileFingerprintSchema = z.object({
  /** SHA-256 hex of the whole file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Size in bytes. */
  size_bytes: z.number().int().min(0),
  /** Modification time, milliseconds since the epoch. */
  mtime_ms: z.number(),
});

/** An artifact fingerprint. */
export type FileFingerprint = z.infer<typeof fileFingerprintSchema>;

/** SHA-256 hex of a file, read in 4 MiB chunks. */
function sha256Of(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Fingerprints the regular files among `paths` (folders and missing files are left out).
 * @param paths - artifact paths (a stage's `outputs`)
 * @returns file name to fingerprint
 */
export function artifactFingerprints(paths: readonly string[]): Record<string, FileFingerprint> {
  const out: Record<string, FileFingerprint> = {};
  for (const path of paths) {
    try {
      const info = statSync(path);
      if (info.isFile()) {
        out[basename(path)] = {
          sha256: sha256Of(path),
          size_bytes: info.size,
          mtime_ms: info.mtimeMs,
        };
      }
    } catch {
      // Missing (e.g. a checkpoint removed at the end): nothing to fingerprint.
    }
  }
  return out;
}

/**
 * @param recorded - file name to fingerprint, from a marker
 * @param paths - the same artifacts now
 * @returns the name of the first file whose content changed (rehashed only when its size or mtime moved), or null;
 *   a file gone since is not a change here
 */
export function changedArtifact(
  recorded: Record<string, FileFingerprint>,
  paths: readonly string[],
): string | null {
  for (const path of paths) {
    const was = recorded[basename(path)];
    let info;
    try {
      info = statSync(path);
    } catch {
      // Gone: the reading stage reports missing inputs itself.
      continue;
    }
    if (!was || !info.isFile()) {
      continue;
    }
    const unchanged =
      info.size === was.size_bytes &&
      (info.mtimeMs === was.mtime_ms || sha256Of(path) === was.sha256);
    if (!unchanged) {
      return basename(path);
    }
  }
  return null;
}
