/**
 * @module Client disconnect as an AbortSignal: a `local` job is cancelled (its process group killed) when the
 * client goes away (page refresh, closed tab) before its response is sent.
 */
import type { FastifyReply } from 'fastify';

/**
 * @param reply - the reply of a request that may wait long
 * @returns `signal`, aborted when the connection closes before the response is sent, and `release` to stop watching
 */
export function disconnectSignal(reply: FastifyReply): {
  signal: AbortSignal;
  release: () => void;
} {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) {
      controller.abort();
    }
  };
  reply.raw.on('close', onClose);
  return { signal: controller.signal, release: () => reply.raw.off('close', onClose) };
}
