/**
 * @module Tests of device resolution, session creation and call serialisation.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createSession, resolveDevice, serialise } from './session.ts';

describe('resolveDevice', () => {
  it('uses cpu only when cpu is requested', () => {
    expect(resolveDevice('cpu', false, ['cuda'])).toEqual({
      requested: 'cpu',
      providers: ['cpu'],
      warnings: [],
    });
  });

  it('picks the best accelerator then cpu when the request is auto', () => {
    expect(resolveDevice('auto', false, ['coreml', 'cuda']).providers).toEqual(['cuda', 'cpu']);
    expect(resolveDevice('auto', false, ['coreml']).providers).toEqual(['coreml', 'cpu']);
    expect(resolveDevice('auto', false, [])).toEqual({
      requested: 'auto',
      providers: ['cpu'],
      warnings: [],
    });
  });

  it('throws DEVICE_UNAVAILABLE when an absent accelerator is requested without fallback', () => {
    const error = (() => {
      try {
        resolveDevice('cuda', false, []);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'DEVICE_UNAVAILABLE', status: 400 });
    expect((error as Error).message).toMatch(/^Device 'cuda' is not available .*--device cpu/);
  });

  it('falls back to cpu with a warning when an absent accelerator is requested with fallback', () => {
    const execution = resolveDevice('coreml', true, ['cuda']);
    expect(execution.requested).toBe('coreml');
    expect(execution.providers).toEqual(['cpu']);
    expect(execution.warnings).toEqual([expect.stringContaining("device 'coreml' unavailable")]);
  });
});

describe('createSession', () => {
  it('opens a cpu session with the model inputs when the device is cpu', async () => {
    const { session, execution } = await createSession('models/fr_landmark.onnx', {
      device: 'cpu',
      allowCpuFallback: false,
      cpuThreads: 1,
    });
    expect(session.inputNames).toEqual(['input']);
    expect(execution.providers).toEqual(['cpu']);
    await session.release();
  });
});

describe('serialise', () => {
  it('runs calls one after another when they are issued together', async () => {
    const events: string[] = [];
    const slow = serialise(async (id: string, ms: number) => {
      events.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, ms));
      events.push(`end ${id}`);
      if (id === 'b') {
        throw new Error('b failed');
      }
      return id;
    });
    const results = await Promise.allSettled([slow('a', 20), slow('b', 1), slow('c', 1)]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
