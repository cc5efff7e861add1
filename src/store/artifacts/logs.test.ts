/** @module Tests of stage logs: append, echo, survival of a crash. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../errors.ts';
import { readStageLog, StageLog, type LogLine } from './logs.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('StageLog', () => {
  it('appends lines with ts, level, msg and fields and echoes them when opened twice', () => {
    const path = join(dir, 'logs', 'detect_track.jsonl');
    const echoed: LogLine[] = [];
    const now = () => new Date('2026-11-21T06:54:00Z');
    const first = new StageLog(path, { now });
    first.info('stage.started', { frames_total: 100 });
    first.close();
    const second = new StageLog(path, { now, onLine: (l) => echoed.push(l) });
    second.debug('frame.analysed', { noisy: true, frame_idx: 4 });
    second.error('stage.failed', { level: 'info', msg: 'x' });
    second.close();

    const lines = readStageLog(path);
    expect(lines).toEqual([
      { ts: '2026-11-21T06:54:00.000Z', level: 'info', msg: 'stage.started', frames_total: 100 },
      {
        ts: '2026-11-21T06:54:00.000Z',
        level: 'debug',
        msg: 'frame.analysed',
        noisy: true,
        frame_idx: 4,
      },
      { ts: '2026-11-21T06:54:00.000Z', level: 'error', msg: 'stage.failed' },
    ]);
    expect(echoed).toEqual(lines.slice(1));
  });

  it('keeps every line logged when the process is killed without closing', () => {
    const path = join(dir, 'logs', 'cluster.jsonl');
    const logsUrl = new URL('./logs.ts', import.meta.url).href;
    const code = `const { StageLog } = await import(${JSON.stringify(logsUrl)});
      const log = new StageLog(${JSON.stringify(path)});
      for (let i = 0; i < 200; i++) log.info('batch.done', { i });
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      code,
    ]);
    expect(child.signal).toBe('SIGKILL');
    const lines = readStageLog(path);
    expect(lines).toHaveLength(200);
    expect(lines[199]).toMatchObject({ msg: 'batch.done', i: 199 });
  });
});

describe('readStageLog', () => {
  it('skips a torn last line when a crash cut it short', () => {
    const path = join(dir, 'screentime.jsonl');
    const log = new StageLog(path);
    log.warn('identity.empty');
    log.close();
    appendFileSync(path, '{"ts":"2026-11-21T06:5');
    expect(readStageLog(path).map((l) => l.msg)).toEqual(['identity.empty']);
  });

  it('throws NotFoundError when the stage never logged', () => {
    expect(() => readStageLog(join(dir, 'none.jsonl'))).toThrow(NotFoundError);
  });
});
