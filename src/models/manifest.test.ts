/**
 * @module Tests of the model pack: the shipped manifest, sha256 checks (and their cache), sidecar-described models.
 */
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { ModelError } from '../errors.ts';
import { createEmbedder } from './factories.ts';
import { loadManifest, resolveModel, verifyModelFile } from './manifest.ts';

const MODELS_DIR = 'models';
const FEATURE = join(MODELS_DIR, 'fr_feature.onnx');

describe('resolveModel', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'screenalytics-models-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies every shipped model when the manifest names it', () => {
    const manifest = loadManifest(MODELS_DIR);
    expect(manifest.models.map((m) => m.kind).sort()).toEqual([
      'detector',
      'detector',
      'embedder',
      'landmarks',
    ]);
    for (const entry of manifest.models) {
      const model = resolveModel(MODELS_DIR, entry.name, entry.kind);
      expect(statSync(model.path).size).toBe(entry.bytes);
    }
  });

  it('throws ModelError with expected and actual sha256 when a model file is corrupted', () => {
    const manifest = loadManifest(MODELS_DIR);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const entry = manifest.models.find((m) => m.kind === 'embedder')!;
    const bytes = readFileSync(join(MODELS_DIR, entry.file));
    bytes[1000] = bytes[1000]! ^ 0xff;
    writeFileSync(join(dir, entry.file), bytes);
    const error = (() => {
      try {
        resolveModel(dir, entry.name, 'embedder');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ModelError);
    const message = (error as ModelError).message;
    expect(message).toContain(join(dir, entry.file));
    expect(message).toContain(`expected ${entry.sha256}`);
    expect(message).toMatch(/sha256 [0-9a-f]{64} /);
    expect(message).toContain('npm run fetch-models');
    expect(message).not.toContain('\n');
  });

  it('throws ModelError naming the fix when a model file is missing', () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(loadManifest(MODELS_DIR)));
    expect(() => resolveModel(dir, 'mobilefacenet-512', 'embedder')).toThrow(
      /missing; run `npm run fetch-models`/,
    );
  });

  it('fails at load when a config points at a corrupted model', async () => {
    const manifest = loadManifest(MODELS_DIR);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    for (const entry of manifest.models) {
      copyFileSync(join(MODELS_DIR, entry.file), join(dir, entry.file));
    }
    writeFileSync(
      join(dir, 'fr_feature.onnx'),
      Buffer.concat([readFileSync(FEATURE), Buffer.from([0])]),
    );
    const config = loadConfig({ models_dir: dir }, {});
    await expect(createEmbedder(config)).rejects.toThrow(
      /fr_feature\.onnx failed its check: sha256/,
    );
  });

  it('throws ModelError listing the known names when the name is unknown or of another kind', () => {
    expect(() => resolveModel(MODELS_DIR, 'arcface-r100', 'embedder')).toThrow(
      /use one of mobilefacenet-512/,
    );
    expect(() => resolveModel(MODELS_DIR, 'mobilefacenet-512', 'detector')).toThrow(
      /is a embedder, not a detector/,
    );
  });

  it('resolves an .onnx path through its sidecar description when the config names a file', () => {
    const file = join(dir, 'my-arcface.onnx');
    copyFileSync(FEATURE, file);
    expect(() => resolveModel(MODELS_DIR, file, 'embedder')).toThrow(/has no description: create/);
    const input = { name: 'input', shape: ['N', 3, 112, 112], mean: [127.5], std: [127.5] };
    writeFileSync(
      `${file}.json`,
      JSON.stringify({
        kind: 'embedder',
        input,
        output: { embedding: { name: 'output', shape: ['N', 512] } },
        embedding_dim: 512,
      }),
    );
    const model = resolveModel(MODELS_DIR, file, 'embedder');
    expect(model.entry).toMatchObject({
      name: 'my-arcface.onnx',
      file: 'my-arcface.onnx',
      embedding_dim: 512,
    });
    expect(model.entry.input).toMatchObject({ layout: 'NCHW', color: 'RGB' });
    expect(model.path).toBe(file);
  });
});

describe('verifyModelFile', () => {
  it('reuses the cached hash when path, mtime and size are unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'screenalytics-hash-'));
    const file = join(dir, 'model.onnx');
    const entry = loadManifest(MODELS_DIR).models.find((m) => m.file === 'fr_landmark.onnx')!;
    copyFileSync(join(MODELS_DIR, entry.file), file);
    const [atime, mtime] = [new Date(1e12), new Date(1e12)]; // whole milliseconds survive a utimes round trip
    utimesSync(file, atime, mtime);
    verifyModelFile(file, entry, 'fix');
    const bytes = readFileSync(file);
    bytes[500] = bytes[500]! ^ 0xff;
    writeFileSync(file, bytes);
    utimesSync(file, atime, mtime);
    expect(() => verifyModelFile(file, entry, 'fix')).not.toThrow();
    utimesSync(file, atime, new Date(mtime.getTime() + 5000));
    expect(() => verifyModelFile(file, entry, 'fix')).toThrow(ModelError);
    rmSync(dir, { recursive: true, force: true });
  });
});
