/**
 * @module A fixed pool of preallocated frame buffers that a byte stream of back-to-back raw frames is copied into.
 */

/**
 * Assembles stream chunks into whole frames without allocating per frame. Each buffer is in one place at a time:
 * free, being filled, ready (whole, waiting for the consumer) or handed out (the consumer holds it until `release`).
 * When no buffer is free, `write` keeps the rest of the chunk and answers false: the producer pauses until a
 * `release` answers true.
 */
export class FramePool {
  private readonly free: Uint8Array[];
  private readonly ready: Uint8Array[] = [];
  private readonly pending: Uint8Array[] = [];
  private current: Uint8Array | undefined;
  private offset = 0;

  /**
   * @param frameBytes - bytes of one frame (`widthPx * heightPx * 3` for RGB24)
   * @param size - number of buffers (at least 1), allocated here once
   * @param shared - allocate the buffers on `SharedArrayBuffer`s, so that a worker thread can read a frame that
   *   `postMessage` hands it (`frame.data.buffer`) without a copy
   */
  constructor(
    readonly frameBytes: number,
    size: number,
    shared = false,
  ) {
    this.free = Array.from(
      { length: Math.max(1, size) },
      () =>
        new Uint8Array(shared ? new SharedArrayBuffer(frameBytes) : new ArrayBuffer(frameBytes)),
    );
  }

  /**
   * Copies a chunk into the buffers, completing frames in order.
   * @param chunk - next bytes of the stream
   * @returns false when the pool filled up: the unread rest is kept, pause the stream until `release` says true
   */
  write(chunk: Uint8Array): boolean {
    const copied = this.pending.length > 0 ? 0 : this.copy(chunk);
    if (copied === chunk.length) {
      return true;
    }
    this.pending.push(chunk.subarray(copied));
    return false;
  }

  /** Copies as much of `chunk` as free buffers allow; returns the number of bytes copied. */
  private copy(chunk: Uint8Array): number {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.current === undefined) {
        this.current = this.free.pop();
        this.offset = 0;
        if (this.current === undefined) {
          return pos;
        }
      }
      const n = Math.min(this.frameBytes - this.offset, chunk.length - pos);
      this.current.set(chunk.subarray(pos, pos + n), this.offset);
      this.offset += n;
      pos += n;
      if (this.offset === this.frameBytes) {
        this.ready.push(this.current);
        this.current = undefined;
      }
    }
    return pos;
  }

  /** @returns the oldest whole frame, now handed out, or undefined when none is ready */
  take(): Uint8Array | undefined {
    return this.ready.shift();
  }

  /**
   * Gives a handed-out buffer back and copies kept chunks into the freed space.
   * @param buffer - a buffer from `take`
   * @returns true when nothing is kept any more and the stream may resume
   */
  release(buffer: Uint8Array): boolean {
    this.free.push(buffer);
    for (let chunk = this.pending[0]; chunk !== undefined; chunk = this.pending[0]) {
      const copied = this.copy(chunk);
      if (copied < chunk.length) {
        this.pending[0] = chunk.subarray(copied);
        return false;
      }
      this.pending.shift();
    }
    return true;
  }

  /** Bytes of an unfinished frame (non-zero at the end of the stream means the last frame was cut short). */
  get partialBytes(): number {
    return this.current === undefined ? 0 : this.offset;
  }
}
