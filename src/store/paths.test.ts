/** @module Tests of the data-dir layout functions. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { Stage } from '../types.ts';
import { dbPath, episodeDir, lockFile, runPaths, runtimeJson, sourceJson } from './paths.ts';

const DATA = '/data';
const RUN = 'run-20261121-065400-ab12';

describe('paths', () => {
  it('follows the DESIGN.md layout when ids are valid', () => {
    const ep = join(DATA, 'episodes', 'fotb-s01e11');
    expect(dbPath(DATA)).toBe(join(DATA, 'screenalytics.db'));
    expect(episodeDir(DATA, 'fotb-s01e11')).toBe(ep);
    expect(sourceJson(DATA, 'fotb-s01e11')).toBe(join(ep, 'source.json'));
    expect(runtimeJson(DATA, 'fotb-s01e11')).toBe(join(ep, 'runtime.json'));
    expect(lockFile(DATA, 'fotb-s01e11', 'cluster')).toBe(join(ep, 'locks', 'cluster.lock'));

    const run = runPaths(DATA, 'fotb-s01e11', RUN);
    const dir = join(ep, 'runs', RUN);
    expect(run.dir).toBe(dir);
    expect(run.marker('detect_track')).toBe(join(dir, 'markers', 'detect_track.json'));
    expect(run.log('faces_embed')).toBe(join(dir, 'logs', 'faces_embed.jsonl'));
    expect(run.crop(3, 120)).toBe(join(dir, 'crops', '3', '120.jpg'));
    expect(run.thumb(3)).toBe(join(dir, 'thumbs', '3.webp'));
    expect(run.embeddings).toBe(join(dir, 'embeddings.f32'));
    expect(run.trackMetrics).toBe(join(dir, 'track_metrics.json'));
    expect(run.timelineCsv).toBe(join(dir, 'timeline.csv'));
  });

  it('throws InputError when an id, stage or index would escape the folder', () => {
    expect(() => episodeDir(DATA, '../x')).toThrow(InputError);
    expect(() => runPaths(DATA, 'fotb-s01e11', '../../etc')).toThrow(InputError);
    const run = runPaths(DATA, 'fotb-s01e11', RUN);
    expect(() => run.marker('../x' as Stage)).toThrow(InputError);
    expect(() => run.crop(-1, 0)).toThrow(InputError);
    expect(() => run.crop(1, 0.5)).toThrow(InputError);
  });
});
