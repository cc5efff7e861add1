/**
 * @module `screenalytics worker`: a BullMQ worker running queued stage jobs until SIGINT or SIGTERM (then the
 * running job finishes or is re-queued after `config.jobs.worker_shutdown_grace_s`). It needs only Redis, the
 * database and the data directory; before taking jobs it checks that its data directory is the API's (the instance
 * marker the API announced on the queue and recorded in the database) and refuses to start otherwise.
 */
import type { Config } from '../../config/index.ts';
import { checkWorkerInstance, createJobsContext, startWorker } from '../../jobs/index.ts';
import { openDatabase } from '../../store/index.ts';

/**
 * Runs a worker; prints `worker PID ready` once it listens on the queue (after a line saying that it waits, while no
 * API has announced its data directory on the queue yet).
 * @param config - loaded config (`data_dir`, `database`, `jobs.redis_url`, `jobs.queue_name`, `jobs.queue_prefix`,
 *   `jobs.worker_concurrency`)
 * @param stop - resolves when the worker should shut down
 * @throws InputError (exit code 2) when the data directory is not the API's, or the database not the API's
 */
export async function workerCommand(config: Config, stop: Promise<void>): Promise<void> {
  const { queue_name: queue, queue_prefix: prefix } = config.jobs;
  const db = await openDatabase(config.data_dir, config.database);
  try {
    const announced = await checkWorkerInstance(
      config,
      db,
      () =>
        process.stdout.write(
          `worker ${process.pid} waiting for an API to announce its data directory on queue ${prefix}:${queue}\n`,
        ),
      stop,
    );
    if (!announced) {
      return;
    }
    const worker = startWorker(createJobsContext(config, db));
    await worker.worker.waitUntilReady();
    process.stdout.write(
      `worker ${process.pid} ready on queue ${prefix}:${queue} (data dir ${config.data_dir})\n`,
    );
    await stop;
    process.stdout.write(`worker ${process.pid} shutting down\n`);
    await worker.shutdown();
  } finally {
    await db.close();
  }
}
