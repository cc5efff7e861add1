/**
 * @module Runs the embedder contract for every embedder of the model pack.
 */
import { loadConfig } from '../config/index.ts';
import { embedderContract } from './embedder.contract.ts';
import { createDetector, createEmbedder, createLandmarkModel } from './factories.ts';
import { loadManifest } from './manifest.ts';

const config = loadConfig({}, {});

for (const entry of loadManifest(config.models_dir).models.filter((m) => m.kind === 'embedder')) {
  embedderContract(
    entry.name,
    async (batch) => {
      const cfg = loadConfig(
        { faces: { embed_batch: batch }, models: { embedder: entry.name } },
        {},
      );
      return (await createEmbedder(cfg, { device: 'cpu', cpuThreads: 1 })).embedder;
    },
    async () => ({
      detector: (
        await createDetector(config, { family: 'ultraface', device: 'cpu', cpuThreads: 1 })
      ).detector,
      landmarks: (await createLandmarkModel(config, { device: 'cpu', cpuThreads: 1 })).landmarks,
    }),
  );
}
