/** @module The runner contract in `redis` mode (a `serve` process and BullMQ `worker` processes on real Redis). */
import { runnerContract } from './runner.contract.ts';

runnerContract('redis');
