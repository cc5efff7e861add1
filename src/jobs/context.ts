/**
 * @module What every jobs function works with: the config, the open database, and this process's identity.
 */
import { hostname } from 'node:os';
import type { Config } from '../config/index.ts';
import type { Db } from '../store/index.ts';

/** Dependencies of the jobs layer, built by `cli/main.ts`, `api/server.ts` or `jobs/worker.ts` (tests: temp dirs). */
export interface JobsContext {
  /** The frozen config (`config.jobs` for heartbeats, stall threshold, timeouts, Redis). */
  config: Config;
  /**
   * Open database (`openDatabase(config.data_dir, config.database)`), or, inside a serialised state change, its
   * transaction (see job-state.ts).
   */
  db: Db;
  /** Host name of this process (lock files and jobs rows record it). */
  host: string;
  /** Process id of this process (the runner of the jobs it supervises). */
  pid: number;
}

/**
 * @param config - loaded config
 * @param db - open database of the config (`openDatabase(config.data_dir, config.database)`)
 * @returns the context of this process
 */
export function createJobsContext(config: Config, db: Db): JobsContext {
  return { config, db, host: hostname(), pid: process.pid };
}
