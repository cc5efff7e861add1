/**
 * @module Face-sample candidates gathered while frames are in memory: per track, the best aligned crop of every
 * `candidate_interval_s` bin is written as JPEG, so faces_embed never decodes the video again.
 */
import { encodeJpeg } from '../../media/index.ts';
import { writeFileAtomic } from '../../store/index.ts';
import { ALIGNED_SIZE_PX } from '../faces-embed/align.ts';

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
  /** Combined quality score used to pick samples (higher is better). */
  quality: number;
  /** Path of the aligned 112 x 112 JPEG crop, relative to the run folder. */
  crop: string;
}

interface OpenBin {
  bin: number;
  best: SampleCandidate;
  pixels: Uint8Array;
}

interface TrackBins {
  firstTs: number;
  open: OpenBin | null;
  done: SampleCandidate[];
}

const MAX_PENDING_WRITES = 8;

/** Keeps the best candidate per (track, time bin) and writes its crop when the bin closes. */
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
   * Offers a candidate; it replaces the bin's current one when its quality is higher.
   * @param trackId - confirmed track id
   * @param candidate - sample fields except `crop`
   * @param pixels - aligned crop, 112 x 112 RGB24; kept by reference, do not reuse the buffer
   */
  async offer(
    trackId: number,
    candidate: Omit<SampleCandidate, 'crop'>,
    pixels: Uint8Array,
  ): Promise<void> {
    let t = this.tracks.get(trackId);
    if (!t) {
      t = { firstTs: candidate.ts, open: null, done: [] };
      this.tracks.set(trackId, t);
    }
    const bin = Math.floor((candidate.ts - t.firstTs) / this.intervalS);
    const { rel } = this.cropPath(trackId, candidate.frame_idx);
    if (t.open && t.open.bin === bin) {
      if (candidate.quality > t.open.best.quality) {
        t.open = { bin, best: { ...candidate, crop: rel }, pixels };
      }
      return;
    }
    await this.close(trackId, t);
    t.open = { bin, best: { ...candidate, crop: rel }, pixels };
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
    t.done.push(open.best);
    const { abs } = this.cropPath(trackId, open.best.frame_idx);
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
