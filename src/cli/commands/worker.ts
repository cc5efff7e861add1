/**
 * @module `screenalytics worker`: a BullMQ worker running queued stage jobs until SIGINT or SIGTERM (then the
 * running job finishes or is re-queued after `config.jobs.worker_shutdown_grace_s`).
 */
import type { Config } from '../../config/index.ts';
import { createJobsContext, startWorker } from '../../jobs/index.ts';
import { openDatabase } from '../../store/index.ts';

/**
 * Runs a worker; prints `worker PID ready` once it listens on the queue.
 * @param config - loaded config (`jobs.redis_url`, `jobs.queue_name`, `jobs.queue_prefix`, `jobs.worker_concurrency`)
 * @param stop - resolves when the worker should shut down
 */
export async function workerCommand(config: Config, stop: Promise<void>): Promise<void> {
  const db = openDatabase(config.data_dir);
  try {
    const worker = startWorker(createJobsContext(config, db));
    await worker.worker.waitUntilReady();
    const { queue_name: queue, queue_prefix: prefix } = config.jobs;
    process.stdout.write(
      `worker ${process.pid} ready on queue ${prefix}:${queue} (data dir ${config.data_dir})\n`,
    );
    await stop;
    process.stdout.write(`worker ${process.pid} shutting down\n`);
    await worker.shutdown();
  } finally {
    db.close();
  }
}
