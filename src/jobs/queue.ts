/**
 * @module The BullMQ side of `redis` mode: is Redis answering, the stage queue, how many workers listen. Queue jobs
 * carry only the job id; everything else lives in the database.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import type { Stage } from '../types.ts';

/** Data of a queue job. */
export interface QueueJobData {
  /** The `jobs` row to run. */
  job_id: string;
  /**
   * Stages to queue after this one succeeds, in order (a season run's server-side chain, season-chain.ts);
   * absent or empty: none.
   */
  chain?: Stage[];
}

/**
 * Asks Redis for a PONG within `config.jobs.redis_timeout_ms` on a fresh connection.
 * @param config - loaded config (`jobs.redis_url`, `jobs.redis_timeout_ms`)
 * @returns true when Redis answered
 */
export async function probeRedis(config: Config): Promise<boolean> {
  const timeoutMs = config.jobs.redis_timeout_ms;
  const redis = new Redis(config.jobs.redis_url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // A refused connection is reported through connect()'s rejection; the event would otherwise be unhandled.
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), timeoutMs);
  });
  try {
    const ping = redis
      .connect()
      .then(() => redis.ping())
      .then((pong) => pong === 'PONG');
    return await Promise.race([ping, timeout]);
  } catch {
    // Refused, unreachable or not Redis: "down" is the answer the caller wants.
    return false;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/**
 * Redis connection options of BullMQ.
 * @param config - loaded config (`jobs.redis_url`)
 * @param blocking - true for a Worker (its blocking commands must retry forever)
 */
export function redisConnection(
  config: Config,
  blocking: boolean,
): { url: string; maxRetriesPerRequest: number | null } {
  return { url: config.jobs.redis_url, maxRetriesPerRequest: blocking ? null : 1 };
}

/**
 * Opens the stage queue (`config.jobs.queue_name` under `config.jobs.queue_prefix`).
 * @param config - loaded config
 * @returns the queue; the caller closes it
 */
export function openStageQueue(config: Config): Queue<QueueJobData> {
  return new Queue<QueueJobData>(config.jobs.queue_name, {
    connection: redisConnection(config, false),
    prefix: config.jobs.queue_prefix,
  });
}

/**
 * @param queue - the stage queue
 * @returns the number of workers connected to it (BullMQ's worker list), or null when Redis does not answer
 */
export async function countWorkers(queue: Queue<QueueJobData>): Promise<number | null> {
  try {
    return await queue.getWorkersCount();
  } catch {
    // Redis went away: "unknown" is reported as null rather than failing the request.
    return null;
  }
}
