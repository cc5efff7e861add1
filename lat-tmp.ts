import { loadConfig } from './src/config/index.ts';
import { createDetector, createEmbedder, createLandmarkModel } from './src/models/index.ts';
import { readFrames, CLIPS } from './src/models/detector.contract.ts';
const frame = readFrames(CLIPS.franck, [1])[0]!;
const hd = { data: new Uint8Array(1280 * 720 * 3).map((_, i) => frame.data[i % frame.data.length]!), widthPx: 1280, heightPx: 720 };
async function time(label: string, n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(label.padEnd(48), ((performance.now() - t0) / n).toFixed(2), 'ms');
}
for (const threads of [1, 2]) {
  const config = loadConfig({ profiles: {}, detect: {}, faces: {}, models: { landmarks: 'landmark68-gray64' } }, {});
  const o = { device: 'cpu' as const, cpuThreads: threads };
  for (const family of ['ultraface', 'blazeface'] as const) {
    const { detector } = await createDetector(config, { ...o, family });
    await time(`${family} detect 360x288 (${threads}t)`, 50, () => detector.detect(frame, { scoreThreshold: 0.3, nmsIou: 0.4 }));
    await time(`${family} detect 1280x720 (${threads}t)`, 50, () => detector.detect(hd, { scoreThreshold: 0.3, nmsIou: 0.4 }));
    await detector.release();
  }
  const { landmarks } = await createLandmarkModel(config, o);
  await time(`landmarks 1 face (${threads}t)`, 100, () => landmarks.predict5(frame, [[140, 51, 258, 243]]));
  const crop = new Uint8Array(112 * 112 * 3).map((_, i) => frame.data[i]!);
  for (const batch of [1, 8]) {
    const cfg = loadConfig({ profiles: {}, detect: {}, faces: { embed_batch: batch }, models: {} }, {});
    const { embedder } = await createEmbedder(cfg, o);
    const crops = Array.from({ length: 8 }, () => crop);
    await time(`embed 8 faces, batch ${batch} (${threads}t) per call`, 10, async () => embedder.embed(crops)).catch(() => 0);
    await embedder.release();
  }
}
import { TensorResampler } from './src/models/index.ts';
const r = new TensorResampler({ widthPx: 320, heightPx: 240, layout: 'NCHW', color: 'RGB', mean: [127], std: [128] });
await time('resample 1280x720 -> 320x240', 200, async () => r.draw(hd));
await time('resample 360x288 -> 320x240', 200, async () => r.draw(frame));
