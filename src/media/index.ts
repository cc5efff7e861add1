/**
 * @module Public face of the media layer: ffmpeg/ffprobe lookup, video probing, frame decoding, image encoding.
 */
export { resolveMediaTool, type MediaTool } from './ffmpeg-path.ts';
export { probeVideo, type VideoProbe } from './probe.ts';
export { isAllowedContainer, probeContainer } from './container.ts';
export {
  analysisSize,
  expectedFrameCount,
  ffmpegFrameArgs,
  ffmpegFrameCommand,
  type FrameDecodeOptions,
} from './frame-args.ts';
export { readFrames, type FrameReadOptions } from './frames.ts';
export { ffmpegFeatures, type FfmpegFeatures } from './ffmpeg-features.ts';
export { cropRgb, decodeImageFile, encodeJpeg, encodeWebp, readImageSize } from './images.ts';
