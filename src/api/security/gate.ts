/**
 * @module A counting gate: at most `n` tasks run at once, the others wait their turn in order (bounded concurrent
 * image decodes).
 */

/** Runs tasks with bounded concurrency. */
export interface Gate {
  /**
   * @param task - the work
   * @returns its result, once a slot was free and the task ran
   */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * @param n - most tasks at once, 1 or more
 * @returns the gate
 */
export function makeGate(n: number): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= n) {
        await new Promise<void>((go) => waiting.push(go));
      } else {
        running++;
      }
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) {
          next();
        } else {
          running--;
        }
      }
    },
  };
}
