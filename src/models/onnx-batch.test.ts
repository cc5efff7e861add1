/**
 * @module Tests of the in-memory batch rewrite on the shipped batch-1 embedder.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { toDynamicBatch } from './onnx-batch.ts';

const model = readFileSync('models/fr_feature.onnx');

describe('toDynamicBatch', () => {
  it('makes the input and output batch symbolic and frees the Reshape when the batch is fixed at 1', async () => {
    const rewrite = toDynamicBatch(model, 'input')!;
    expect(rewrite.values).toEqual(['input', 'output']);
    expect(rewrite.reshapes).toHaveLength(1);
    const session = await ort.InferenceSession.create(rewrite.model, { logSeverityLevel: 3 });
    expect(session.inputMetadata[0]).toMatchObject({ shape: ['N', 3, 112, 112] });
    const out = await session.run({
      input: new ort.Tensor('float32', new Float32Array(3 * 3 * 112 * 112), [3, 3, 112, 112]),
    });
    expect(out.output!.dims).toEqual([3, 512]);
    await session.release();
  });

  it('returns null when the batch is already dynamic or the input is unknown', () => {
    expect(toDynamicBatch(toDynamicBatch(model, 'input')!.model, 'input')).toBeNull();
    expect(toDynamicBatch(model, 'no-such-input')).toBeNull();
  });
});
