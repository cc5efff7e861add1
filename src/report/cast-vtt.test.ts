/** @module Tests of the "who is on screen" WebVTT track on hand-made intervals. */
import { describe, expect, it } from 'vitest';
import { castVtt, onScreenCues, vttTimestamp } from './cast-vtt.ts';

describe('onScreenCues', () => {
  it('starts a cue wherever the set of cast members on screen changes', () => {
    const cues = onScreenCues([
      { name: 'Bob', intervals: [[2, 6]] },
      {
        name: 'Ann',
        intervals: [
          [0, 4],
          [8, 9],
        ],
      },
    ]);
    expect(cues).toEqual([
      { start_s: 0, end_s: 2, names: ['Ann'] },
      { start_s: 2, end_s: 4, names: ['Ann', 'Bob'] },
      { start_s: 4, end_s: 6, names: ['Bob'] },
      { start_s: 8, end_s: 9, names: ['Ann'] },
    ]);
  });

  it('joins touching intervals of one cast member into one cue and gives none for an empty cast', () => {
    expect(
      onScreenCues([
        {
          name: 'Ann',
          intervals: [
            [0, 1.5],
            [1.5, 3],
          ],
        },
      ]),
    ).toEqual([{ start_s: 0, end_s: 3, names: ['Ann'] }]);
    expect(onScreenCues([])).toEqual([]);
  });
});

describe('castVtt', () => {
  it('writes a WEBVTT header and ordered numbered cues with escaped names', () => {
    const text = castVtt({
      cast: [
        { name: 'Ann', intervals: [[0.5, 65.25]] },
        { name: 'Bob & <Co>', intervals: [[3661, 3662.5]] },
      ],
    });
    expect(text).toBe(
      'WEBVTT\n\n1\n00:00:00.500 --> 00:01:05.250\nAnn\n\n2\n01:01:01.000 --> 01:01:02.500\nBob &amp; &lt;Co&gt;\n',
    );
  });

  it('is only the header when nobody is on screen', () => {
    expect(castVtt({ cast: [] })).toBe('WEBVTT\n');
  });
});

describe('vttTimestamp', () => {
  it('rounds to milliseconds', () => {
    expect(vttTimestamp(59.9996)).toBe('00:01:00.000');
  });
});
