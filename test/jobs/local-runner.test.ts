/** @module The runner contract in `local` mode (stage children of a `serve` process). */
import { runnerContract } from './runner.contract.ts';

runnerContract('local');
