/**
 * @module Face-sample candidates gathered while frames are in memory: per track and `candidate_interval_s` bin,
 * the detection with the best rank (score x size) is aligned, and when the bin closes its crop is written as JPEG
 * with its sharpness and quality, so faces_embed never decodes the video again. The clothing histograms of the
 * candidates are averaged into the track's clothing descriptor.
 */
import { encodeJpeg } from '../../media/index.ts';
import { writeFileAtomic } from '../../store/index.ts';
import { ALIGNED_SIZE_PX } from '../face-samples/align.ts';
import type { CandidateDetection, SampleCandidate } from '../face-samples/candidate.ts';
import { detectionRank, sampleQuality, sharpness } from '../face-samples/quality.ts';
import { roundTo } from '../round.ts';

/** What is taken of a detection while its frame is in memory. */
export interface CandidateCapture {
  /** Aligned crop, 112 x 112 RGB24. */
  pixels: Uint8Array;
  /** Clothing histogram below the face (`CLOTHING_BINS` fractions), or null when out of frame; see clothing.ts. */
  clothing: Float32Array | null;
}

/** What a finished track's bins give its `tracks.jsonl` row. */
export interface FinishedCandidates {
  /** The track's candidates in time order. */
  candidates: SampleCandidate[];
  /**
   * Mean clothing histogram of the candidates that have one (`CLOTHING_BINS` fractions, rounded to 1e-3), or null
   * when none has.
   */
  clothing: number[] | null;
}

interface OpenBin {
  bin: number;
  rank: number;
  best: CandidateDetection;
  capture: CandidateCapture;
}

interface TrackBins {
  firstTs: number;
  open: OpenBin | null;
  done: SampleCandidate[];
  clothingSum: Float64Array | null;
  clothingCount: number;
}

const MAX_PENDING_WRITES = 8;

/** Keeps the best-ranked detection per (track, time bin) and writes its crop when the bin closes. */
export class CandidateBins {
  private readonly tracks = new Map<number, TrackBins>();
  private readonly pending = new Set<Promise<void>>();

  /**
   * @param intervalS - seconds of track per bin (`config.faces.candidate_interval_s`)
   * @param jpegQuality - JPEG quality of crops (`config.faces.crop_jpeg_quality`)
   * @param cropPath - absolute path of a crop and its run-relative form, by track id and frame index
   */
  constructor(
    private readonly intervalS: number,
    private readonly jpegQuality: number,
    private readonly cropPath: (trackId: number, frameIdx: number) => { abs: string; rel: string },
  ) {}

  /**
   * Offers a detection of a track (in time order per track). It becomes its bin's candidate when its rank is
   * higher than the current one's; only then is `capture` called, while the frame is still in memory.
   * @param trackId - confirmed track id
   * @param det - the detection
   * @param capture - returns its aligned crop and clothing histogram (kept by reference)
   */
  async offer(
    trackId: number,
    det: CandidateDetection,
    capture: () => CandidateCapture,
  ): Promise<void> {
    let t = this.tracks.get(trackId);
    if (!t) {
      t = { firstTs: det.ts, open: null, done: [], clothingSum: null, clothingCount: 0 };
      this.tracks.set(trackId, t);
    }
    const bin = Math.floor((det.ts - t.firstTs) / this.intervalS);
    const rank = detectionRank({ detScore: det.conf, faceHeightPx: det.face_px });
    if (t.open?.bin === bin) {
      if (rank > t.open.rank) {
        t.open = { bin, rank, best: det, capture: capture() };
      }
      return;
    }
    await this.close(trackId, t);
    t.open = { bin, rank, best: det, capture: capture() };
  }

  /**
   * Closes a track's last bin.
   * @returns the track's candidates in time order and its mean clothing histogram
   */
  async finishTrack(trackId: number): Promise<FinishedCandidates> {
    const t = this.tracks.get(trackId);
    if (!t) {
      return { candidates: [], clothing: null };
    }
    await this.close(trackId, t);
    this.tracks.delete(trackId);
    const sum = t.clothingSum;
    return {
      candidates: t.done,
      clothing: sum ? Array.from(sum, (v) => roundTo(v / t.clothingCount, 3)) : null,
    };
  }

  /** Waits until every crop is on disk. Rejects with the first write error. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }

  private async close(trackId: number, t: TrackBins): Promise<void> {
    const open = t.open;
    if (!open) {
      return;
    }
    t.open = null;
    const { pixels, clothing } = open.capture;
    if (clothing) {
      t.clothingSum ??= new Float64Array(clothing.length);
      clothing.forEach((v, b) => (t.clothingSum![b] = t.clothingSum![b]! + v));
      t.clothingCount++;
    }
    const { abs, rel } = this.cropPath(trackId, open.best.frame_idx);
    const sharp = sharpness(pixels, ALIGNED_SIZE_PX, ALIGNED_SIZE_PX);
    const quality = sampleQuality({
      detScore: open.best.conf,
      faceHeightPx: open.best.face_px,
      sharpness: sharp,
    });
    t.done.push({
      ...open.best,
      sharpness: roundTo(sharp, 2),
      quality: roundTo(quality, 4),
      crop: rel,
    });
    const write = encodeJpeg(
      { data: pixels, widthPx: ALIGNED_SIZE_PX, heightPx: ALIGNED_SIZE_PX },
      this.jpegQuality,
    ).then((jpeg) => writeFileAtomic(abs, jpeg));
    this.pending.add(write);
    void write
      .finally(() => this.pending.delete(write))
      .catch(() => {
        // the error is reported by drain(), which awaits the same promise
      });
    if (this.pending.size >= MAX_PENDING_WRITES) {
      await Promise.race(this.pending);
    }
  }
}
