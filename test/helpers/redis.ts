/** @module Test helper: removes what a test left in Redis under its throw-away queue prefix. */
import { Redis } from 'ioredis';

/**
 * Deletes every Redis key under `{prefix}:` on the local Redis (127.0.0.1:6379).
 * @param prefix - the test's BullMQ key prefix, e.g. `test-<uuid>`
 */
export async function removeQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis();
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
