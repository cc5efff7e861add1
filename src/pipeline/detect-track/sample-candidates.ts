/**
 * @module Face-sample candidates gathered while frames are in memory: per track and `candidate_interval_s` bin,
 * the detection with the best rank (score x size) is aligned, and when the bin closes its crop is written as JPEG
 * with its sharpness and quality, so faces_embed never decodes the video again.
 */
import { encodeJpeg } from '../../media/index.ts';
import { writeFileAtomic } from '../../store/index.ts';
import { ALIGNED_SIZE_PX } from '../faces-embed/align.ts';
import { detectionRank, sampleQuality, sharpness } from '../faces-embed/quality.ts';
import { roundTo } from '../round.ts';

/** One candidate face sample of a track, as listed in `tracks.jsonl`. */
export interface SampleCandidate {
  /** Source-video frame index. */
  frame_idx: number;
  /** Time in seconds. */
  ts: number;
  /** Detector score. */
  conf: number;
  /** Face height in source-video pixels. */
  face_px: number;
  /** Variance of the Laplacian of the aligned crop's luma. */
  sharpness: number;
  /** Combined quality score used to pick samples (higher is better), see `sampleQuality`. */
  quality: number;
  /** Path of the aligned 112 x 112 JPEG crop, relative to the run folder. */
  crop: string;
}

/** What is known of a detection before its crop is aligned. */
export type CandidateDetection = Pick<SampleCandidate, 'frame_idx' | 'ts' | 'conf' | 'face_px'>;

interface OpenBin {
  bin: number;
  rank: number;
  best: CandidateDetection;
  pixels: Uint8Array;
}

interface TrackBins {
  firstTs: number;
  open: OpenBin | null;
  done: SampleCandidate[];
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
   * @param capture - returns its aligned crop, 112 x 112 RGB24 (kept by reference)
   */
  async offer(trackId: number, det: CandidateDetection, capture: () => Uint8Array): Promise<void> {
    let t = this.tracks.get(trackId);
    if (!t) {
      t = { firstTs: det.ts, open: null, done: [] };
      this.tracks.set(trackId, t);
    }
    const bin = Math.floor((det.ts - t.firstTs) / this.intervalS);
    const rank = detectionRank({ detScore: det.conf, faceHeightPx: det.face_px });
    if (t.open?.bin === bin) {
      if (rank > t.open.rank) {
        t.open = { bin, rank, best: det, pixels: capture() };
      }
      return;
    }
    await this.close(trackId, t);
    t.open = { bin, rank, best: det, pixels: capture() };
  }

  /**
   * Closes a track's last bin.
   * @returns the track's candidates in time order
   */
  async finishTrack(trackId: number): Promise<SampleCandidate[]> {
    const t = this.tracks.get(trackId);
    if (!t) {
      return [];
    }
    await this.close(trackId, t);
    this.tracks.delete(trackId);
    return t.done;
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
    const { abs, rel } = this.cropPath(trackId, open.best.frame_idx);
    const sharp = sharpness(open.pixels, ALIGNED_SIZE_PX, ALIGNED_SIZE_PX);
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
      { data: open.pixels, widthPx: ALIGNED_SIZE_PX, heightPx: ALIGNED_SIZE_PX },
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
