/** @module Unit tests of episode numbering from file names and sorted order. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { episodeNumberFromName, numberEpisodes } from './episode-numbers.ts';

describe('episodeNumberFromName', () => {
  it.each([
    ['Show.S01E03.720p.mp4', 3],
    ['show s02e11.mkv', 11],
    ['/videos/season 1/show_s1_e7.mp4', 7],
    ['Show 1x03.mkv', 3],
    ['show.2X105.mp4', 105],
    ['E03.mp4', 3],
    ['pilot-e12.mp4', 12],
    ['Show - Episode 4.mp4', 4],
    ['show-ep09.mov', 9],
  ])('reads %s as episode %i', (name, episode) => {
    expect(episodeNumberFromName(name)).toBe(episode);
  });

  it.each(['franck.mp4', 'the03.mp4', '1080p.mp4', 'h264.mkv', 'season1.mp4'])(
    'returns null when the name %s has no episode number',
    (name) => {
      expect(episodeNumberFromName(name)).toBeNull();
    },
  );
});

describe('numberEpisodes', () => {
  it('uses the numbers in the names whatever the order of the files', () => {
    expect(numberEpisodes(['d/S01E10.mp4', 'd/1x02.mp4', 'd/E01.mp4'])).toEqual([
      { path: 'd/E01.mp4', episode: 1 },
      { path: 'd/1x02.mp4', episode: 2 },
      { path: 'd/S01E10.mp4', episode: 10 },
    ]);
  });

  it('numbers files without a number in natural sort order when no name has one', () => {
    expect(numberEpisodes(['b/part10.mp4', 'a/part2.mp4', 'c/part1.mp4'])).toEqual([
      { path: 'c/part1.mp4', episode: 1 },
      { path: 'a/part2.mp4', episode: 2 },
      { path: 'b/part10.mp4', episode: 3 },
    ]);
  });

  it('gives unnamed files the lowest numbers no name uses when names and plain files mix', () => {
    expect(numberEpisodes(['x/bonus.mp4', 'x/S01E01.mp4', 'x/extra.mp4'])).toEqual([
      { path: 'x/S01E01.mp4', episode: 1 },
      { path: 'x/bonus.mp4', episode: 2 },
      { path: 'x/extra.mp4', episode: 3 },
    ]);
  });

  it('throws an InputError naming both files when two map to one number', () => {
    const call = () => numberEpisodes(['s/Show.S01E03.mp4', 's/show 1x03.mkv', 's/E04.mp4']);
    expect(call).toThrow(InputError);
    expect(call).toThrow(/episode 3: .*s\/Show\.S01E03\.mp4/);
    expect(call).toThrow(/episode 3: .*s\/show 1x03\.mkv/);
  });

  it('returns nothing for no file', () => {
    expect(numberEpisodes([])).toEqual([]);
  });
});
