/** @module Tests of atomic file writes: a crash never leaves a partial file at the final path. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFileWriter, writeFileAtomic, writeJsonAtomic } from './atomic.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates parent folders and leaves no temporary file when the write succeeds', () => {
    const path = join(dir, 'a', 'b', 'x.txt');
    writeFileAtomic(path, 'hello');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.txt']);
  });

  it('replaces the previous content when the file exists', () => {
    const path = join(dir, 'x.json');
    writeJsonAtomic(path, { a: 1 });
    writeJsonAtomic(path, { a: 2 }, { fsync: true });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 2 });
  });
});

describe('AtomicFileWriter', () => {
  it('writes every chunk in order when chunks cross the buffer size', () => {
    const path = join(dir, 'big.bin');
    const w = AtomicFileWriter.open(path);
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    w.write('head;');
    w.write(big);
    for (let i = 0; i < 10_000; i++) {
      w.write(`${i}\n`);
    }
    expect(existsSync(path)).toBe(false);
    w.commit();
    const out = readFileSync(path);
    expect(out.byteLength).toBe(w.bytesWritten);
    expect(out.subarray(0, 5).toString()).toBe('head;');
    expect(Buffer.compare(out.subarray(5, 200_005), Buffer.from(big))).toBe(0);
    expect(out.subarray(200_005).toString().split('\n')[9_999]).toBe('9999');
  });

  it('keeps the old file and removes the temporary file when aborted', () => {
    const path = join(dir, 'x.jsonl');
    writeFileSync(path, 'old\n');
    const w = AtomicFileWriter.open(path);
    w.write('new\n'.repeat(100_000));
    w.abort();
    w.abort();
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['x.jsonl']);
    expect(() => w.write('x')).toThrow(/already committed or aborted/);
  });

  it('leaves nothing at the final path when the process dies before commit', () => {
    const path = join(dir, 'detections.jsonl');
    const atomicUrl = new URL('./atomic.ts', import.meta.url).href;
    const code = `const { AtomicFileWriter } = await import(${JSON.stringify(atomicUrl)});
      const w = AtomicFileWriter.open(${JSON.stringify(path)});
      for (let i = 0; i < 50000; i++) w.write('{"frame_idx":' + i + '}\\n');
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      code,
    ]);
    expect(child.signal).toBe('SIGKILL');
    expect(existsSync(path)).toBe(false);
    const left = readdirSync(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.detections\.jsonl\.\d+\.[0-9a-f]+\.tmp$/);
  });
});
