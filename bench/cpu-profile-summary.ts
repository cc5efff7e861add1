/**
 * @module Summarises a V8 `.cpuprofile` (from `node --cpu-prof bin/screenalytics.js run ...`): the top functions by
 * self time, and the main thread's time split into pipeline concerns by the innermost project frame on each stack.
 *
 * Usage: `npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [TOP]`. Prints JSON. ONNX Runtime's `run` is
 * synchronous on the main thread in onnxruntime-node (called from a `setImmediate`), so model time is main-thread
 * time, but in one bucket for all models; work on other threads (ffmpeg, ORT's extra intra-op threads, the libuv
 * and libvips pools of sharp) is not in the profile. Samples are wall-clock: on a busy machine, time the thread
 * waited for a core is counted where it was interrupted.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A node of a V8 CPU profile. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The parts of a `.cpuprofile` file read here. */
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Concerns, matched against a frame's file name, innermost project frame first. */
const CONCERNS: [RegExp, string][] = [
  [/(ultraface|blazeface|detector|nms)\.ts$/, 'detection (JS)'],
  [/landmarks\.ts$/, 'landmarks (JS)'],
  [/embedder\.ts$/, 'embedding (JS)'],
  [/align\.ts$/, 'alignment'],
  [/quality\.ts$/, 'sharpness/quality'],
  [/(images|sample-candidates)\.ts$/, 'jpeg/webp (main-thread part)'],
  [/(frames|frame-pool)\.ts$/, 'pipe reading'],
  [/(tracker|assignment|kalman|iou)\.ts$/, 'tracking'],
  [/shot-cuts\.ts$/, 'shot cuts'],
  [/tiles\.ts$/, 'tiles'],
  [/agglomerative\.ts$/, 'clustering'],
  [/(jsonl|json-artifact|atomic|embeddings)\.ts$/, 'artifact writing'],
];

/**
 * The concern of one sampled stack (innermost frame first). ORT's `run` is called from a `setImmediate` callback in
 * onnxruntime-node, so its caller is not on the stack: all model runs share one bucket.
 */
function concernOf(stack: ProfileNode[]): string {
  const leaf = stack[0]!.callFrame;
  if (leaf.url === '' && leaf.functionName.startsWith('(')) {
    return leaf.functionName;
  }
  if (stack.some((n) => n.callFrame.url.includes('onnxruntime-node'))) {
    return 'ORT run (all models)';
  }
  if (stack.some((n) => n.callFrame.url.endsWith('resample.ts'))) {
    return 'model input resampling (JS)';
  }
  for (const node of stack) {
    const hit = CONCERNS.find(([re]) => re.test(basename(node.callFrame.url)));
    if (hit) {
      return hit[1];
    }
  }
  return 'other';
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    throw new Error('usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [TOP]');
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      parent.set(c, n.id);
    }
  }
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );

  const bySelf = new Map<string, number>();
  const byConcern = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      stack.push(byId.get(at)!);
    }
    const f = stack[0]!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${basename(f.url)}:${f.lineNumber + 1}`;
    bySelf.set(key, (bySelf.get(key) ?? 0) + us);
    const concern = concernOf(stack);
    byConcern.set(concern, (byConcern.get(concern) ?? 0) + us);
  }
  const table = (m: Map<string, number>, top: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({
        k,
        s: Math.round(us / 1e4) / 100,
        pct: Math.round((1000 * us) / totalUs) / 10,
      }));
  const out = {
    total_s: Math.round(totalUs / 1e4) / 100,
    by_concern: table(byConcern, 100),
    top_self: table(bySelf, Number(topArg ?? 25)),
  };
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

main();
