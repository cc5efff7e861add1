/** @module Test helper: removes what a test left in Redis under its throw-away queue prefix. */
import { Redis } from 'ioredis';

/**
 * Deletes every Redis key under `{prefix}:`.
 * @param prefix - the test's BullMQ key prefix, e.g. `test-<uuid>`
 * @param redisUrl - the Redis (default: the local one, 127.0.0.1:6379)
 */
export async function removeQueueKeys(
  prefix: string,
  redisUrl = 'redis://127.0.0.1:6379',
): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
