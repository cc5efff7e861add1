/**
 * @module The runner interface: one way to start a stage job, two implementations (`local` in the API process's
 * child, `redis` through BullMQ workers). Cancel, status and logs do not depend on the mode (see service.ts).
 */
import type { ExecutionMode, Job } from '../store/index.ts';
import type { Stage } from '../types.ts';
import type { JobRequest } from './admission.ts';

/** How a job is started. */
export interface StartOptions {
  /** Continue from the stage's checkpoint in the run (resume). */
  resume?: boolean;
  /** The job being resumed. */
  resumedFrom?: string | null;
  /** Local mode: aborting it (client disconnect) cancels the job. */
  signal?: AbortSignal;
  /** Redis mode: stages a worker queues after this one succeeds, in order (season-chain.ts). */
  chain?: Stage[];
  /** Redis mode: put the job at the head of the queue (the next stage of a chain goes before new episodes). */
  lifo?: boolean;
}

/** Starts stage jobs in one execution mode. */
export interface JobRunner {
  /** The mode. */
  readonly mode: ExecutionMode;
  /**
   * Admits and starts a job. `local`: resolves when the stage has ended (any final state). `redis`: resolves once
   * the job is queued.
   * @throws StageBusyError (409) when the stage is busy; NotFoundError / InputError / ConflictError from admission;
   *   AppError (`DEVICE_UNAVAILABLE`, 400) in local mode when the device cannot be used;
   *   QueueUnavailableError (503) in redis mode when the job cannot be queued
   */
  start(stage: Stage, request: JobRequest, opts?: StartOptions): Promise<Job>;
  /**
   * Called after a cancel was recorded, to let the mode clean up (redis: remove a queued job from the queue).
   * @param job - the job after `requestJobCancel`
   */
  afterCancel(job: Job): Promise<void>;
}
