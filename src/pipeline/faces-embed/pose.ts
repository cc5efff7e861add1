/**
 * @module Head yaw from the five alignment landmarks (eye centres, nose tip, mouth corners) under weak perspective,
 * used to tell frontal face samples from profile ones.
 */
import type { Point } from '../../types.ts';
import { ARCFACE_TEMPLATE_112 } from '../face-samples/align.ts';

/** Distance between two points. */
const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/**
 * Inter-ocular distance over the eye-to-mouth distance of a frontal face: 0.866 on the ArcFace 112 x 112 template
 * (`ARCFACE_TEMPLATE_112`).
 */
const FRONTAL_EYES_OVER_EYE_MOUTH =
  dist(ARCFACE_TEMPLATE_112[0]!, ARCFACE_TEMPLATE_112[1]!) /
  dist(
    mid(ARCFACE_TEMPLATE_112[0]!, ARCFACE_TEMPLATE_112[1]!),
    mid(ARCFACE_TEMPLATE_112[3]!, ARCFACE_TEMPLATE_112[4]!),
  );

/**
 * Depth of the nose tip in front of the eyes, over the eye-to-mouth distance: 135 / 320 in the 3-D mean face of
 * the OpenCV head-pose examples (nose tip at z 0, eye corners at z -135 and y 170, mouth corners at y -150).
 */
const NOSE_DEPTH_OVER_EYE_MOUTH = 135 / 320;

/**
 * Estimated head yaw of a face from its five landmarks, under weak perspective (an orthographic camera with one
 * scale): the eye-to-mouth distance `h` barely changes when the head turns about its vertical axis, so it sets the
 * scale; the inter-ocular distance projects as `0.866 h cos(yaw)` and the nose tip moves sideways off the eye
 * midpoint by `0.42 h sin(yaw)`, both measured across the eye-to-mouth axis so that in-plane roll cancels out.
 * `yaw = atan2(offset / 0.42, eyes / 0.866)`.
 *
 * The 68-point landmark model behind the points was trained on faces up to about 45 degrees of yaw, so it
 * under-states larger angles: a full profile reads about 45-60 degrees, and a 3/4 view about the same, so the
 * estimate separates frontal from turned faces but not 3/4 from profile; a head seen from behind gets landmarks of
 * an imagined frontal face (the interviewer of `../shared/data/blackjournal/` seen from behind reads 0-33 degrees).
 * Compare with `config.faces.profile_yaw_deg`, which was set on the sitcom clip's faces.
 *
 * @param landmarks - left eye, right eye, nose tip, left and right mouth corner (image left/right), in pixels
 * @returns yaw in degrees, in [0, 90]: 0 frontal, 90 full profile (the side is not told: mirror faces match);
 *   90 when the eyes and mouth coincide (no scale to measure against)
 * @see DeMenthon and Davis 1995, "Model-based object pose in 25 lines of code" (weak-perspective pose, POSIT);
 *   the 3-D reference face of Mallick 2016, "Head Pose Estimation using OpenCV and Dlib" (LearnOpenCV).
 */
export function estimateYawDeg(landmarks: readonly Point[]): number {
  const [le, re, nose, lm, rm] = landmarks;
  if (!le || !re || !nose || !lm || !rm) {
    return 90;
  }
  const eyes = mid(le, re);
  const mouth = mid(lm, rm);
  const h = dist(eyes, mouth);
  if (!(h > 1e-6)) {
    return 90;
  }
  // Unit vector across the face (image right for an upright face): the eye-to-mouth axis turned by -90 degrees.
  const ux = (mouth[1] - eyes[1]) / h;
  const uy = -(mouth[0] - eyes[0]) / h;
  const across = (p: Point, o: Point): number => ((p[0] - o[0]) * ux + (p[1] - o[1]) * uy) / h;
  const eyeSpan = Math.abs(across(re, le)) / FRONTAL_EYES_OVER_EYE_MOUTH;
  const noseOffset = Math.abs(across(nose, eyes)) / NOSE_DEPTH_OVER_EYE_MOUTH;
  return (Math.atan2(noseOffset, eyeSpan) * 180) / Math.PI;
}
