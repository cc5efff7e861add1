/**
 * @module The detection thread's side (runs inside the `worker_threads` thread that `DetectionThread` starts):
 * opens the detector, then answers each `DetectRequest` with the whole-frame and zoomed passes' faces of the frame
 * whose shared buffer the request carries. Posts `ready` once the detector is open, `error` on any failure (then exits).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../../models/index.ts';
import type { RgbImage } from '../../types.ts';
import {
  threadError,
  type DetectionThreadInit,
  type DetectionThreadMessage,
  type DetectRequest,
} from './detection-thread.ts';
import { ZoomPass } from './zoom-pass.ts';

const port = parentPort!;
const init = workerData as DetectionThreadInit;
const post = (m: DetectionThreadMessage): void => port.postMessage(m);

try {
  const { detector, execution } = await createDetector(init.config, init.modelOptions);
  const tileImage: RgbImage = {
    data: new Uint8Array(init.widthPx * init.heightPx * 3),
    widthPx: 0,
    heightPx: 0,
  };
  const zoom = new ZoomPass(detector, tileImage, {
    ...init.zoom,
    cropWidthPx: detector.inputWidthPx,
    cropHeightPx: detector.inputHeightPx,
  });
  if (init.zoomState) {
    zoom.restore(init.zoomState);
  }
  // Requests are answered one after the other, in order: the zoomed pass keeps state from frame to frame.
  let queue = Promise.resolve();
  const answer = async (r: DetectRequest): Promise<void> => {
    const frame = {
      data: r.data,
      widthPx: init.widthPx,
      heightPx: init.heightPx,
      frameIdx: r.frameIdx,
      ts: r.ts,
    };
    try {
      const faces = await zoom.detect(frame, r.shotCut);
      post({ type: 'result', faces, zoom: zoom.snapshot(), counts: { ...zoom.counts } });
    } catch (e) {
      post({ type: 'error', error: threadError(e) });
    }
  };
  port.on('message', (r: DetectRequest) => {
    queue = queue.then(() => answer(r));
  });
  post({ type: 'ready', detectorName: detector.name, execution });
} catch (e) {
  post({ type: 'error', error: threadError(e) });
}
