/**
 * @module Stage `detect_track`: decode sampled frames, detect faces (whole frame and optional tiles), landmarks,
 * shot cuts, ByteTrack tracks, and face-sample candidate crops; writes detections, tracks, metrics and shots.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { analysisSize, expectedFrameCount, readFrames } from '../../media/index.ts';
import { createLandmarkModel } from '../../models/index.ts';
import { hashParams, writeJsonAtomic, writeJsonl } from '../../store/index.ts';
import type { BBox, Detection, FaceBox, Frame, Point, RgbImage } from '../../types.ts';
import type { StageContext, StageOutcome } from '../context.ts';
import { alignFace, ALIGNED_SIZE_PX } from '../face-samples/align.ts';
import type { CandidateDetection, SampleCandidate } from '../face-samples/candidate.ts';
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { DetectionThread, type DetectionResult } from './detection-thread.ts';
import { clothingHistogram } from './clothing.ts';
import { CandidateBins, type CandidateCapture } from './sample-candidates.ts';
import { ShotCutDetector, type ShotCutState } from './shot-cuts.ts';
import { stitchTracks } from './stitch.ts';
import { tileRects } from './tiles.ts';
import { ByteTracker, type FinishedTrack } from './tracker.ts';
import { computeTrackMetrics } from './track-metrics.ts';
import type { ZoomPassCounts, ZoomPassState } from './zoom-pass.ts';
import { roundTo } from '../round.ts';

/** One row of `tracks.jsonl` as detect_track writes it (faces_embed adds prototype fields). */
export interface TrackRow {
  /** Track id, 1-based, in order of confirmation. */
  track_id: number;
  /** Shot the track lies in (tracks never span a cut); index into `shots.json`. */
  shot_idx: number;
  /** Source-video frame index of the first detection. */
  first_frame_idx: number;
  /** Source-video frame index of the last detection. */
  last_frame_idx: number;
  /** Time of the first detection, seconds. */
  first_ts: number;
  /** Time of the last detection, seconds. */
  last_ts: number;
  /** Number of detections. */
  n_detections: number;
  /** Mean detector score. */
  mean_conf: number;
  /** Median face height in source-video pixels. */
  median_face_px: number;
  /** Why the track ended. */
  end_reason: FinishedTrack['endReason'];
  /** Face-sample candidates, one per `candidate_interval_s`, in time order. */
  candidates: SampleCandidate[];
  /**
   * Clothing descriptor: mean colour histogram of the region below the face over the candidates
   * (`CLOTHING_BINS` = 30 fractions, see clothing.ts), or null when no candidate had that region in frame.
   * Absent in runs made before it existed.
   */
  clothing?: number[] | null;
}

/** A detection not yet on a confirmed track, with its crop (its track may be confirmed on a later frame). */
interface PendingCandidate {
  det: CandidateDetection;
  capture: CandidateCapture;
}

/** An analysed frame on its way through the stage: sent to the detection thread, then finished here. */
interface FrameJob {
  /** The frame, its pixels on a buffer shared with the detection thread. */
  frame: Frame;
  /** The frame starts a new shot. */
  shotCut: boolean;
  /** Shot-cut state after this frame, captured when a checkpoint was due; null otherwise. */
  shots: ShotCutState | null;
  /** The thread's answer. */
  detection: Promise<DetectionResult>;
}

const ALIGNED_BYTES = ALIGNED_SIZE_PX * ALIGNED_SIZE_PX * 3;

/**
 * Runs detect_track over the episode's video.
 * @param ctx - stage context; uses `config.detect`, `config.track`, `config.shots`, `config.faces`, the profile
 * @returns counts (analysed frames, detections, tracks, shots), zero_rows when no track was found
 * @throws CancelledError when `ctx.signal` aborts; ModelError / AppError(`DEVICE_UNAVAILABLE`) from the models;
 *   AppError when ffmpeg fails
 */
export async function runDetectTrack(ctx: StageContext): Promise<StageOutcome> {
  const { config, profile, paths, source, log } = ctx;
  const probe = source.probe;
  const size = analysisSize(probe, profile.analysis_width_px);
  const sx = probe.width_px / size.widthPx;
  const sy = probe.height_px / size.heightPx;
  const modelOpts = {
    device: ctx.device.requested,
    allowCpuFallback: ctx.device.allowCpuFallback,
    cpuThreads: Math.min(profile.cpu_threads, config.detect.model_threads),
  };
  const tiles = profile.tiles
    ? tileRects(
        size.widthPx,
        size.heightPx,
        profile.tiles.cols,
        profile.tiles.rows,
        config.detect.tile_overlap,
      )
    : [];
  const params = {
    detector: config.models[config.detect.detector],
    stride: profile.stride,
    reference_frames_only: profile.reference_frames_only,
    analysis_px: [size.widthPx, size.heightPx],
    tiles: profile.tiles,
    tile_interval_s: profile.tile_interval_s,
    detect: { ...config.detect, checkpoint_interval_s: undefined, model_threads: undefined },
    track: config.track,
    shots: config.shots,
    candidate_interval_s: config.faces.candidate_interval_s,
  };
  const checkpointPath = paths.checkpoint('detect_track');
  const paramsHash = hashParams(params);
  const resumed = ctx.resume ? readCheckpoint(checkpointPath, paramsHash) : null;
  const { landmarks } = await createLandmarkModel(config, modelOpts);
  const thread = await DetectionThread.open({
    config,
    modelOptions: modelOpts,
    widthPx: size.widthPx,
    heightPx: size.heightPx,
    zoom: {
      tiles,
      tileIntervalS: profile.tile_interval_s,
      skipFaceSourcePx: config.detect.tile_skip_face_px,
      followFaceSourcePx: config.detect.follow_face_px,
      followFrames: config.detect.follow_frames,
      sy,
      maxFaceFrac: config.detect.tile_max_face_frac,
      detect: { scoreThreshold: config.detect.score_threshold, nmsIou: config.detect.nms_iou },
    },
    zoomState: resumed?.zoom ?? null,
  }).catch(async (e: unknown) => {
    await landmarks.release();
    throw e;
  });
  const { execution } = thread;
  // The models are open: a first heartbeat before the first frame (model loading can take seconds).
  ctx.onProgress({
    framesDone: resumed?.frames_done ?? 0,
    framesTotal: expectedFrameCount(probe, profile.stride),
  });
  log.info('detect_track.started', {
    ...params,
    providers: execution.providers,
    cpu_threads: profile.cpu_threads,
  });
  for (const w of execution.warnings) {
    log.warn(w);
  }
  if (resumed) {
    log.info('detect_track.resumed', {
      resume_frame_idx: resumed.resume_frame_idx,
      frames_done: resumed.frames_done,
    });
  } else {
    if (ctx.resume) {
      log.warn('detect_track.no_checkpoint', { hint: 'starting from the first frame' });
    }
    rmSync(paths.cropsDir, { recursive: true, force: true });
  }
  mkdirSync(paths.cropsDir, { recursive: true });
  const framesTotal = expectedFrameCount(probe, profile.stride);
  const tracker = new ByteTracker({
    highScore: config.track.high_score,
    smallFaceHighScore: config.track.small_face_high_score,
    smallFaceHeightPx: config.detect.follow_face_px / sy,
    matchIouHigh: config.track.match_iou_high,
    matchIouLow: config.track.match_iou_low,
    maxGapS: config.track.max_gap_s,
    minHits: config.track.min_hits,
    firstTrackId: resumed?.next_track_id,
  });
  const cuts = new ShotCutDetector({ cutThreshold: config.shots.cut_threshold });
  if (resumed) {
    cuts.restore(resumed.shots);
  }
  const bins = new CandidateBins(
    config.faces.candidate_interval_s,
    config.faces.crop_jpeg_quality,
    (t, f) => {
      const abs = paths.crop(t, f);
      return { abs, rel: relative(paths.dir, abs) };
    },
  );
  const detections: Detection[] = resumed?.detections ?? [];
  const trackRows: TrackRow[] = resumed?.tracks ?? [];
  const pending = new Map<number, PendingCandidate>();
  let framesDone = resumed?.frames_done ?? 0;
  let checkpointAtMs = Date.now();
  const checkpointDue = (): boolean =>
    Date.now() - checkpointAtMs >= config.detect.checkpoint_interval_s * 1000;
  /** Zoomed-pass state after the last frame finished (the thread may be a frame ahead). */
  let zoomState: ZoomPassState = resumed?.zoom ?? { last_grid_ts: null, followed: [] };
  let zoomCounts: ZoomPassCounts = { discovery_frames: 0, follow_crops: 0, zoom_calls: 0 };
  /**
   * Writes a checkpoint when one is due and the shot-cut state of the frame was captured (`shots`: taken before
   * the next frame was pushed, as the thread runs a frame ahead).
   */
  const checkpoint = async (
    resumeFrameIdx: number,
    pushed: boolean,
    shots: ShotCutState | null,
  ): Promise<void> => {
    if (shots === null || !checkpointDue()) {
      return;
    }
    await bins.drain();
    writeCheckpoint(checkpointPath, {
      schema_version: 1,
      params_hash: paramsHash,
      resume_frame_idx: resumeFrameIdx,
      pushed,
      frames_done: framesDone,
      next_track_id: tracker.nextTrackId,
      shots,
      detections,
      tracks: trackRows,
      zoom: zoomState,
    });
    checkpointAtMs = Date.now();
  };

  const finishTracks = async (finished: FinishedTrack[]): Promise<void> => {
    for (const t of finished) {
      const dets = t.detIndices.map((i) => detections[i]!);
      const heights = dets.map((d) => d.bbox_xyxy[3] - d.bbox_xyxy[1]).sort((a, b) => a - b);
      trackRows.push({
        track_id: t.trackId,
        shot_idx: -1,
        first_frame_idx: t.frameIdxs[0]!,
        last_frame_idx: t.frameIdxs[t.frameIdxs.length - 1]!,
        first_ts: t.firstTs,
        last_ts: t.lastTs,
        n_detections: dets.length,
        mean_conf: roundTo(dets.reduce((s, d) => s + d.conf, 0) / dets.length, 4),
        median_face_px: roundTo(heights[Math.floor(heights.length / 2)]!, 1),
        end_reason: t.endReason,
        ...(await bins.finishTrack(t.trackId)),
      });
    }
  };

  /** Handles one frame once the thread's detection of it is in: landmarks, tracking, crops, checkpoints. */
  const finishFrame = async (job: FrameJob): Promise<void> => {
    const { frame, shotCut, shots } = job;
    if (shotCut) {
      tracker.endAll('shot_cut');
      await finishTracks(tracker.drainEnded());
      if (tracker.idle) {
        await checkpoint(frame.frameIdx, true, shots);
      }
    }
    const detected = await job.detection;
    zoomState = detected.zoom;
    zoomCounts = detected.counts;
    const faces = detected.faces.filter(
      (f) => (f.bbox[3] - f.bbox[1]) * sy >= config.detect.min_face_px,
    );
    const points = await fillLandmarks(faces, frame, landmarks);
    const firstIndex = detections.length;
    const candidates: CandidateDetection[] = faces.map((f, k) => {
      const lm = points[k]!;
      detections.push({
        frame_idx: frame.frameIdx,
        ts: frame.ts,
        bbox_xyxy: scaleBox(f.bbox, sx, sy),
        conf: roundTo(f.score, 4),
        landmarks: lm.map(([x, y]) => [roundTo(x * sx, 1), roundTo(y * sy, 1)] as Point),
        track_id: null,
      });
      const facePx = roundTo((f.bbox[3] - f.bbox[1]) * sy, 1);
      return {
        frame_idx: frame.frameIdx,
        ts: frame.ts,
        conf: roundTo(f.score, 4),
        face_px: facePx,
      };
    });
    const boxes = faces.map((f) => f.bbox);
    const capture = (k: number) => (): CandidateCapture => {
      const pixels = new Uint8Array(ALIGNED_BYTES);
      alignFace(frame, points[k]!, pixels);
      return { pixels, clothing: clothingHistogram(frame, faces[k]!.bbox, boxes) };
    };
    const bound = tracker.update(
      frame,
      faces.map((f, k) => ({ bbox: f.bbox, score: f.score, index: firstIndex + k })),
    );
    const boundNow = new Set<number>();
    for (const { index, trackId } of bound) {
      detections[index]!.track_id = trackId;
      if (index >= firstIndex) {
        boundNow.add(index);
        await bins.offer(trackId, candidates[index - firstIndex]!, capture(index - firstIndex));
      } else {
        // Detections of a track confirmed only now: their crops were aligned while their frame was in memory.
        const earlier = pending.get(index);
        pending.delete(index);
        if (earlier) {
          await bins.offer(trackId, earlier.det, () => earlier.capture);
        }
      }
    }
    candidates.forEach((det, k) => {
      if (!boundNow.has(firstIndex + k)) {
        pending.set(firstIndex + k, { det, capture: capture(k)() });
      }
    });
    // Twice the stride: with reference_frames_only, analysed frames are up to 2 strides apart.
    dropStale(pending, frame.frameIdx - 2 * profile.stride * config.track.min_hits);
    await finishTracks(tracker.drainEnded());
    framesDone++;
    ctx.onProgress({ framesDone, framesTotal });
    if (tracker.idle) {
      // The next bin: with reference_frames_only a frame may lie anywhere in its bin.
      await checkpoint(
        (Math.floor(frame.frameIdx / profile.stride) + 1) * profile.stride,
        false,
        shots,
      );
    }
  };

  // The thread detects frame N+1 while this thread finishes frame N: both frames' buffers are held.
  let inFlight: FrameJob | null = null;
  let framesSeen = framesDone;
  try {
    for await (const frame of readFrames(source.video_path, {
      probe,
      stride: profile.stride,
      referenceOnly: profile.reference_frames_only,
      widthPx: profile.analysis_width_px,
      threads: profile.cpu_threads,
      signal: ctx.signal,
      startFrameIdx: resumed?.resume_frame_idx ?? 0,
      holdFrames: 2,
      sharedBuffers: true,
    })) {
      const alreadyPushed = resumed?.pushed === true && frame.frameIdx === resumed.resume_frame_idx;
      // The frame before this one may write a checkpoint: the shot-cut state after it is taken before the push.
      if (inFlight) {
        inFlight.shots = checkpointDue() ? cuts.snapshot() : null;
      }
      const shotCut = !alreadyPushed && cuts.push(frame) && framesSeen > 0;
      framesSeen++;
      const job: FrameJob = {
        frame,
        shotCut,
        shots: null,
        // A frame resumed after a cut checkpoint was a cut: the zoomed pass starts afresh on it.
        detection: thread.detect({
          data: frame.data,
          frameIdx: frame.frameIdx,
          ts: frame.ts,
          shotCut: shotCut || alreadyPushed,
        }),
      };
      if (inFlight) {
        await finishFrame(inFlight);
      }
      inFlight = job;
    }
    if (inFlight) {
      inFlight.shots = checkpointDue() ? cuts.snapshot() : null;
      await finishFrame(inFlight);
    }
  } finally {
    await thread.close();
  }
  tracker.endAll('end');
  await finishTracks(tracker.drainEnded());
  await bins.drain();
  await landmarks.release();
  removeCheckpoint(checkpointPath);

  const shots = cuts.shots();
  trackRows.sort((a, b) => a.track_id - b.track_id);
  for (const row of trackRows) {
    row.shot_idx = shots.findLast((s) => s.start_frame_idx <= row.first_frame_idx)?.shot_idx ?? 0;
  }
  const stitched = stitchTracks(trackRows, detections, {
    maxGapS: config.track.stitch_max_gap_s,
    maxShift: config.track.stitch_max_shift,
    maxSizeRatio: config.track.stitch_max_size_ratio,
  });
  writeJsonl(paths.detections, detections);
  writeJsonl(paths.tracks, trackRows);
  writeJsonAtomic(paths.shots, { schema_version: 1, stride: profile.stride, shots });
  const metrics = computeTrackMetrics(trackRows, probe.duration_s);
  writeJsonAtomic(paths.trackMetrics, { schema_version: 1, ...metrics });
  log.info('detect_track.finished', {
    frames: framesDone,
    detections: detections.length,
    stitched: stitched.length,
    ...zoomCounts,
    ...metrics,
  });
  return {
    counts: {
      frames: framesDone,
      detections: detections.length,
      tracks: trackRows.length,
      shots: shots.length,
    },
    zeroRows: trackRows.length === 0,
    device: { requested: execution.requested, effective_providers: execution.providers },
    params,
  };
}

async function fillLandmarks(
  faces: FaceBox[],
  frame: Frame,
  model: { predict5(image: RgbImage, boxes: BBox[]): Promise<Point[][]> },
): Promise<Point[][]> {
  const missing = faces.filter((f) => !f.landmarks || f.landmarks.length !== 5);
  const predicted =
    missing.length > 0
      ? await model.predict5(
          frame,
          missing.map((f) => f.bbox),
        )
      : [];
  let next = 0;
  return faces.map((f) =>
    f.landmarks && f.landmarks.length === 5 ? f.landmarks : predicted[next++]!,
  );
}

function dropStale(pending: Map<number, PendingCandidate>, beforeFrameIdx: number): void {
  for (const [index, c] of pending) {
    if (c.det.frame_idx < beforeFrameIdx) {
      pending.delete(index);
    }
  }
}

function scaleBox(b: BBox, sx: number, sy: number): BBox {
  return [
    roundTo(b[0] * sx, 1),
    roundTo(b[1] * sy, 1),
    roundTo(b[2] * sx, 1),
    roundTo(b[3] * sy, 1),
  ];
}
