/**
 * @module Runs the detector contract for every detector of the model pack, and checks the factory's options.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { AppError } from '../errors.ts';
import { detectorContract } from './detector.contract.ts';
import { createDetector } from './factories.ts';
import { loadManifest } from './manifest.ts';
import { listAvailableAccelerators } from './session.ts';

const config = loadConfig({}, {});
const opts = { scoreThreshold: config.detect.score_threshold, nmsIou: config.detect.nms_iou };

for (const entry of loadManifest(config.models_dir).models.filter((m) => m.kind === 'detector')) {
  const family = entry.family!;
  const cfg = loadConfig({ models: { [family]: entry.name } }, {});
  detectorContract(
    entry.name,
    async () => (await createDetector(cfg, { family, device: 'cpu', cpuThreads: 1 })).detector,
    opts,
  );
}

describe('createDetector', () => {
  it('reports the requested device and its providers when a detector opens on cpu', async () => {
    const { detector, execution } = await createDetector(config, {
      family: 'blazeface',
      device: 'cpu',
      cpuThreads: 1,
    });
    expect(detector.name).toBe(config.models.blazeface);
    expect(detector.inputWidthPx).toBeGreaterThan(0);
    expect(execution).toEqual({ requested: 'cpu', providers: ['cpu'], warnings: [] });
    await detector.release();
  });

  it('throws DEVICE_UNAVAILABLE when an absent accelerator is requested without fallback', async () => {
    const device = (['cuda', 'coreml'] as const).find(
      (d) => !listAvailableAccelerators().includes(d),
    );
    await expect(createDetector(config, { device, allowCpuFallback: false })).rejects.toMatchObject(
      {
        code: 'DEVICE_UNAVAILABLE',
        status: 400,
      } satisfies Partial<AppError>,
    );
  });
});
