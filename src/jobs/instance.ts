/**
 * @module Which data directory the queue belongs to. The API writes an instance marker
 * `{data_dir}/.screenalytics-instance.json` (a random id, made once) and announces it in Redis under the queue's
 * prefix (`{queue_prefix}:{queue_name}:instance`); a worker compares the marker in its own data directory with the
 * announced one before it takes jobs, so that a worker on another host whose data directory is not the API's
 * (a missing or different mount) refuses to start instead of writing artifacts where nobody reads them. The API
 * also records the id in the database (`instance` row): an API whose database belongs to another data directory
 * refuses to start, and a worker whose marker differs from the database's record refuses too (a right mount but
 * another database or schema).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { InputError } from '../errors.ts';
import {
  announceInstanceRecord,
  getInstance,
  type Db,
  type InstanceRecord,
} from '../store/index.ts';
import { probeRedis } from './queue.ts';

/** File name of the instance marker in the data directory. */
export const INSTANCE_FILE = '.screenalytics-instance.json';

const markerSchema = z.object({
  schema_version: z.literal(1),
  /** Random id (UUID) made when the marker was first written. */
  instance_id: z.string().min(1),
  /** When it was written, ISO 8601 UTC. */
  created_at: z.iso.datetime(),
});

const announcementSchema = z.object({
  /** The API's marker id. */
  instance_id: z.string().min(1),
  /** The API's data directory, absolute, as the API's host sees it. */
  data_dir: z.string(),
  /** Host name of the API. */
  host: z.string(),
  /** When it was announced, ISO 8601 UTC. */
  announced_at: z.iso.datetime(),
});

/** An API's announcement of its data directory, as stored in Redis. */
export type InstanceAnnouncement = z.infer<typeof announcementSchema>;

/**
 * @param dataDir - a data directory
 * @returns the instance id of its marker, or null when it has none (or an unreadable one)
 */
export function readInstanceId(dataDir: string): string | null {
  try {
    const parsed = markerSchema.safeParse(
      JSON.parse(readFileSync(join(dataDir, INSTANCE_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data.instance_id : null;
  } catch {
    // Absent or not JSON: no marker.
    return null;
  }
}

/**
 * Returns the data directory's instance id, writing the marker first when there is none (O_EXCL, so that two API
 * processes starting at once agree on one id).
 * @param dataDir - the API's data directory (created when absent)
 * @returns the instance id
 * @throws the file system's error when the marker can be neither read nor created
 */
export function ensureInstanceId(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const existing = readInstanceId(dataDir);
  if (existing) {
    return existing;
  }
  const marker = {
    schema_version: 1,
    instance_id: randomUUID(),
    created_at: new Date().toISOString(),
  };
  let fd: number;
  try {
    fd = openSync(join(dataDir, INSTANCE_FILE), 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      // Another API process wrote it first (between the read and the create): its id wins.
      return ensureInstanceId(dataDir);
    }
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(marker, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return marker.instance_id;
}

/** The Redis key of the announcement: under the queue's prefix, so that a test's throw-away prefix removes it. */
function announcementKey(config: Config): string {
  return `${config.jobs.queue_prefix}:${config.jobs.queue_name}:instance`;
}

function openRedis(config: Config): Redis {
  const redis = new Redis(config.jobs.redis_url, {
    connectTimeout: config.jobs.redis_timeout_ms,
    maxRetriesPerRequest: 1,
  });
  // Failures reach the caller through the command's rejection.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * The API announces its data directory on the queue: ensures the marker and stores the announcement in Redis.
 * @param config - the API's config (`data_dir`, `jobs.redis_url`, `jobs.queue_prefix`, `jobs.queue_name`)
 * @returns the announcement
 * @throws the Redis or file system error
 */
export async function announceInstance(config: Config): Promise<InstanceAnnouncement> {
  const announcement: InstanceAnnouncement = {
    instance_id: ensureInstanceId(config.data_dir),
    data_dir: resolve(config.data_dir),
    host: hostname(),
    announced_at: new Date().toISOString(),
  };
  const redis = openRedis(config);
  try {
    await redis.set(announcementKey(config), JSON.stringify(announcement));
  } finally {
    redis.disconnect();
  }
  return announcement;
}

/**
 * What `screenalytics serve` does at start: writes the marker when there is none, records it in the database, and
 * announces it when Redis answers (else the first queued job announces it, see JobsService).
 * @param config - the API's config
 * @param db - its open database
 * @returns the announcement, or null when Redis does not answer
 * @throws ConflictError (exit code 2) naming both when the database belongs to another data directory; the file
 *   system's error when the marker can be neither read nor created
 */
export async function announceAtStart(
  config: Config,
  db: Db,
): Promise<InstanceAnnouncement | null> {
  const record: InstanceRecord = {
    instance_id: ensureInstanceId(config.data_dir),
    data_dir: resolve(config.data_dir),
    host: hostname(),
    announced_at: new Date().toISOString(),
  };
  await announceInstanceRecord(db, record);
  return (await probeRedis(config)) ? announceInstance(config) : null;
}

/**
 * A worker checks that its data directory is the API's: waits (polling every second) until an API has announced
 * one on the queue, then compares the announced instance id with the marker in `config.data_dir`, and with the
 * database's record when an API has written one.
 * @param config - the worker's config
 * @param db - the worker's open database
 * @param onWait - called once when nothing is announced yet (to say that the worker waits for the API)
 * @param stop - resolves when the worker is told to stop while waiting
 * @returns the announcement (the data directories match), or null when stopped while waiting
 * @throws InputError (exit code 2) naming both data directories and ids when the marker is missing or differs from
 *   the announcement or from the database's record
 */
export async function checkWorkerInstance(
  config: Config,
  db: Db,
  onWait: () => void,
  stop: Promise<void>,
): Promise<InstanceAnnouncement | null> {
  const redis = openRedis(config);
  let stopped = false;
  void stop.then(() => (stopped = true));
  let announcement: InstanceAnnouncement | null = null;
  try {
    for (let waited = false; !stopped; waited = true) {
      const text = await redis.get(announcementKey(config));
      if (text !== null) {
        announcement = announcementSchema.parse(JSON.parse(text));
        break;
      }
      if (!waited) {
        onWait();
      }
      await Promise.race([sleep(1000), stop]);
    }
  } finally {
    redis.disconnect();
  }
  if (!announcement) {
    return null;
  }
  const mine = readInstanceId(config.data_dir);
  if (mine !== announcement.instance_id) {
    throw new InputError(
      `This worker's data directory ${resolve(config.data_dir)} is not the API's: its instance marker ` +
        `${INSTANCE_FILE} ${mine ? `is ${mine}` : 'is missing'}, the API's (${announcement.data_dir} on ` +
        `${announcement.host}) is ${announcement.instance_id}; point SCREENALYTICS_DATA_DIR at the API's data ` +
        'directory (on another host: the same shared file system, e.g. NFS)',
    );
  }
  const recorded = await getInstance(db);
  if (recorded && recorded.instance_id !== mine) {
    throw new InputError(
      `This worker's database ${db.location} belongs to the data directory ${recorded.data_dir} on ` +
        `${recorded.host} (instance ${recorded.instance_id}), not to ${resolve(config.data_dir)} (instance ${mine}): ` +
        "give the worker the API's SCREENALYTICS_DATABASE_URL and SCREENALYTICS_DATABASE_SCHEMA",
    );
  }
  return announcement;
}
