/**
 * @module The detection thread of `detect_track`, as its main thread sees it. The whole-frame detector and the
 * zoomed pass (`ZoomPass`) run in a `worker_threads` thread on frames whose buffers are shared with it (`readFrames`
 * with `sharedBuffers`, no copy), so that the detection of frame N+1 runs while the main thread does the landmarks, tracking and crops of
 * frame N: ONNX Runtime's `run` blocks the thread that calls it, and the detector is the largest part of the stage.
 * The thread's side is `detection-thread-body.ts`.
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config/index.ts';
import { AppError, InputError, ModelError, type ErrorCode } from '../../errors.ts';
import type { ExecutionInfo, ModelOptions } from '../../models/index.ts';
import type { FaceBox } from '../../types.ts';
import type { TileRect } from './tiles.ts';
import type { ZoomPassCounts, ZoomPassOptions, ZoomPassState } from './zoom-pass.ts';

/** What the thread is started with (`workerData`). */
export interface DetectionThreadInit {
  /** Loaded config (detector family and models). */
  config: Config;
  /** Device, CPU fallback and intra-op threads of the detector session. */
  modelOptions: ModelOptions;
  /** Analysed frame width in pixels. */
  widthPx: number;
  /** Analysed frame height in pixels. */
  heightPx: number;
  /** Zoomed-pass options but the crop size, which is the detector's input size. */
  zoom: Omit<ZoomPassOptions, 'tiles' | 'cropWidthPx' | 'cropHeightPx'> & { tiles: TileRect[] };
  /** Zoomed-pass state of a checkpoint, when resuming. */
  zoomState: ZoomPassState | null;
}

/** Message to the thread: detect on a frame. */
export interface DetectRequest {
  /** The frame's RGB24 pixels (`widthPx * heightPx * 3` bytes) on a `SharedArrayBuffer`: shared, not copied. */
  data: Uint8Array;
  /** Source-video frame index. */
  frameIdx: number;
  /** Time of the frame, seconds. */
  ts: number;
  /** The frame starts a new shot (resets the zoomed pass's follow list and grid timer). */
  shotCut: boolean;
}

/** The thread's answer to a {@link DetectRequest}. */
export interface DetectionResult {
  /** Faces in analysed-frame pixels, whole-frame and zoomed passes merged. */
  faces: FaceBox[];
  /** Zoomed-pass state after this frame (for a checkpoint taken after it). */
  zoom: ZoomPassState;
  /** Zoomed-pass counters so far. */
  counts: ZoomPassCounts;
}

/** An error as it crosses the thread boundary. */
export interface ThreadError {
  name: string;
  message: string;
  code?: ErrorCode;
  status?: number;
}

/** Messages from the thread. */
export type DetectionThreadMessage =
  | { type: 'ready'; detectorName: string; execution: ExecutionInfo }
  | ({ type: 'result' } & DetectionResult)
  | { type: 'error'; error: ThreadError };

/** Entry file of the thread (registers the TypeScript loader, then loads `detection-thread-body.ts`). */
const ENTRY = new URL('./detection-thread-entry.js', import.meta.url);

/** The detection thread: one request in flight per frame, answered in order. */
export class DetectionThread {
  private readonly waiting: {
    resolve: (r: DetectionResult) => void;
    reject: (e: Error) => void;
  }[] = [];
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    /** Manifest name of the detector model. */
    readonly detectorName: string,
    /** Device the detector runs on. */
    readonly execution: ExecutionInfo,
  ) {
    worker.on('message', (m: DetectionThreadMessage) => {
      if (m.type === 'result') {
        this.waiting.shift()?.resolve({ faces: m.faces, zoom: m.zoom, counts: m.counts });
      } else if (m.type === 'error') {
        this.fail(rebuildError(m.error));
      }
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) =>
      this.fail(new AppError('INTERNAL', 500, `Detection thread exited (${code})`)),
    );
  }

  /**
   * Starts the thread and opens the detector in it.
   * @param init - config, model options, frame size, zoomed-pass options and state
   * @returns the thread, its detector's name and execution
   * @throws ModelError / AppError (`DEVICE_UNAVAILABLE`) as `createDetector` does, rebuilt from the thread
   */
  static open(init: DetectionThreadInit): Promise<DetectionThread> {
    const worker = new Worker(ENTRY, { workerData: init });
    return new Promise((resolve, reject) => {
      const onMessage = (m: DetectionThreadMessage) => {
        if (m.type === 'ready') {
          cleanup();
          resolve(new DetectionThread(worker, m.detectorName, m.execution));
        } else if (m.type === 'error') {
          cleanup();
          void worker.terminate();
          reject(rebuildError(m.error));
        }
      };
      const onError = (e: Error) => {
        cleanup();
        reject(e);
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
  }

  /**
   * Detects faces on a frame; its buffer must not be written until the answer arrives.
   * @param request - slot, frame index, time and shot cut
   * @returns faces and zoomed-pass state, in the order of the requests
   * @throws the thread's error (ModelError, AppError) if it failed
   */
  detect(request: DetectRequest): Promise<DetectionResult> {
    if (this.failure) {
      return Promise.reject(this.failure);
    }
    const answer = new Promise<DetectionResult>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(request);
    });
    // A frame still in flight when the stage stops (cancel, error) is never awaited: not an unhandled rejection.
    answer.catch(() => undefined);
    return answer;
  }

  /** Stops the thread (its ONNX session is freed with it). */
  async close(): Promise<void> {
    this.failure ??= new AppError('INTERNAL', 500, 'Detection thread closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) {
      w.reject(this.failure);
    }
  }
}

/**
 * @param e - any thrown value
 * @returns it in a form that crosses `postMessage` (name, message, code and status of an AppError)
 */
export function threadError(e: unknown): ThreadError {
  if (e instanceof AppError) {
    return { name: e.name, message: e.message, code: e.code, status: e.status };
  }
  return { name: 'Error', message: e instanceof Error ? e.message : String(e) };
}

/** The thread's error rebuilt: a ModelError or InputError as such, another AppError with its code and status. */
function rebuildError(t: ThreadError): Error {
  if (t.code === undefined || t.status === undefined) {
    return new Error(`Detection thread: ${t.message}`);
  }
  if (t.name === 'ModelError') {
    return new ModelError(t.message, { code: t.code });
  }
  if (t.name === 'InputError') {
    return new InputError(t.message, { code: t.code });
  }
  const e = new AppError(t.code, t.status, t.message);
  e.name = t.name;
  return e;
}
