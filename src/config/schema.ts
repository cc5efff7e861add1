/**
 * @module The one config schema: every default value of Screenalytics is defined here and nowhere else.
 */
import { z } from 'zod';
import { DETECTORS, DEVICES, PROFILES } from '../types.ts';

/** A profile's settings (the values every profile fixes). */
export interface Profile {
  /** Analyse every `stride`-th source frame (1 = every frame). */
  stride: number;
  /**
   * Decode only reference frames (ffmpeg `-skip_frame noref`) and analyse the first one in each bin of `stride`
   * frames: about half the decoding CPU on H.264/HEVC with B-frames, analysed frames 1 to 2 strides apart.
   */
  reference_frames_only: boolean;
  /** Width in pixels that ffmpeg scales analysed frames to; 0 keeps the source width. Never upscales. */
  analysis_width_px: number;
  /**
   * Zoomed second detection pass on top of the whole-frame pass, so that small faces (16 px high and more in a
   * 720p frame) are found: the frame is cut into `cols` x `rows` overlapping tiles, each stretched to the
   * detector's input, on frames whose whole-frame pass finds no face of `detect.tile_skip_face_px`, at most once
   * per `tile_interval_s` of a shot; the small faces found are then followed with one crop each at the detector's
   * native scale (`detect.follow_face_px`). `null` turns the second pass off.
   */
  tiles: { cols: number; rows: number } | null;
  /** Seconds between two tile-grid passes within a shot (a shot cut makes one due at once); 0 = every analysed frame. */
  tile_interval_s: number;
  /** ONNX Runtime intra-op threads of the embedder and ffmpeg `-threads`; capped by `max_cpu_threads`. */
  cpu_threads: number;
}

/**
 * Schema of one profile whose every field defaults to `defaults`, so that a file or env may override a single
 * field (`{"profiles": {"balanced": {"stride": 6}}}`).
 * @param defaults - the profile's values
 */
function profileSchema(defaults: Profile) {
  return z
    .object({
      stride: z.number().int().min(1).max(120).default(defaults.stride),
      reference_frames_only: z.boolean().default(defaults.reference_frames_only),
      analysis_width_px: z.number().int().min(0).max(7680).default(defaults.analysis_width_px),
      tiles: z
        .object({ cols: z.number().int().min(1).max(8), rows: z.number().int().min(1).max(8) })
        .nullable()
        .default(defaults.tiles),
      tile_interval_s: z.number().min(0).max(3600).default(defaults.tile_interval_s),
      cpu_threads: z.number().int().min(1).max(256).default(defaults.cpu_threads),
    })
    .prefault({});
}

const profilesSchema = z.object({
  low_power: profileSchema({
    stride: 8,
    reference_frames_only: true,
    analysis_width_px: 480,
    tiles: null,
    tile_interval_s: 0,
    cpu_threads: 1,
  }),
  balanced: profileSchema({
    stride: 6,
    reference_frames_only: true,
    analysis_width_px: 1280,
    tiles: { cols: 4, rows: 2 },
    tile_interval_s: 2,
    cpu_threads: 2,
  }),
  performance: profileSchema({
    stride: 3,
    reference_frames_only: false,
    analysis_width_px: 0,
    tiles: { cols: 4, rows: 3 },
    tile_interval_s: 0.5,
    cpu_threads: 4,
  }),
});

/** The whole configuration. Field comments give units; values live only in the defaults below. */
export const configSchema = z.object({
  /** Root of the data directory (DESIGN.md layout). Env `SCREENALYTICS_DATA_DIR`. */
  data_dir: z.string().min(1).default('./data'),
  /**
   * Where the database lives. Without `url`, the embedded SQLite file `{data_dir}/screenalytics.db` (WAL; zero
   * set-up, one machine). With a `postgres://` URL, PostgreSQL: what API, workers and CLI share when they run on
   * several hosts.
   */
  database: z
    .object({
      /** `postgres://user:password@host:port/db`. Env `SCREENALYTICS_DATABASE_URL`. Password redacted by `GET /config`. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
        .optional(),
      /**
       * PostgreSQL schema holding the tables (created when absent), so that several installs can share one database.
       * Env `SCREENALYTICS_DATABASE_SCHEMA`. Ignored by SQLite.
       */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
        .default('public'),
      /** Connections in the PostgreSQL pool of one process. */
      pool_size: z.number().int().min(1).max(200).default(10),
    })
    .prefault({}),
  /** Folder holding the ONNX files and `manifest.json`. Env `SCREENALYTICS_MODELS_DIR`. */
  models_dir: z
    .string()
    .min(1)
    .default(new URL('../../models', import.meta.url).pathname),
  /** Profile used when none is named. Env `SCREENALYTICS_PROFILE`. */
  profile: z.enum(PROFILES).default('balanced'),
  /** Requested ONNX Runtime device. Env `SCREENALYTICS_DEVICE`. */
  device: z.enum(DEVICES).default('auto'),
  /** Run on CPU when an explicitly requested accelerator is unavailable, instead of failing. */
  allow_cpu_fallback: z.boolean().default(false),
  /** Upper bound on CPU threads for any profile; default: the machine's logical cores. Env `SCREENALYTICS_MAX_CPU_THREADS`. */
  max_cpu_threads: z.number().int().min(1).max(256).optional(),
  /** Named profiles. */
  profiles: profilesSchema.prefault({}),
  /** Face detection. */
  detect: z
    .object({
      /** Detector family; each maps to a manifest entry in `models`. */
      detector: z.enum(DETECTORS).default('ultraface'),
      /** Minimum detector score kept as a detection (ByteTrack's low-score detections included). */
      score_threshold: z.number().min(0).max(1).default(0.3),
      /** IoU above which the weaker of two boxes is suppressed (NMS). */
      nms_iou: z.number().min(0).max(1).default(0.4),
      /** Smallest face height kept, in source-video pixels. */
      min_face_px: z.number().min(0).default(14),
      /** Overlap of neighbouring tiles in the tiled pass, as a fraction of a tile's size. */
      tile_overlap: z.number().min(0).max(0.5).default(0.2),
      /**
       * Tallest face the tiled pass may add, as a fraction of a tile's height: larger faces are the whole-frame
       * pass's, and a large box found in a tile is most often part of a bigger face (a mouth, an eye) or a false
       * positive at tile scale.
       */
      tile_max_face_frac: z.number().min(0).max(1).default(0.25),
      /**
       * The tile grid is skipped on a frame whose whole-frame pass finds a face at least this tall, in source-video
       * pixels: a shot with a large face is a close or medium shot, where the grid seldom pays.
       */
      tile_skip_face_px: z.number().min(0).default(64),
      /**
       * Faces shorter than this, in source-video pixels, are followed: while the whole-frame pass misses them, the
       * next analysed frames get one crop of the detector's input size around each (native scale).
       */
      follow_face_px: z.number().min(0).default(48),
      /** Analysed frames a small face is followed after it was last found. */
      follow_frames: z.number().int().min(1).max(100).default(2),
      /**
       * ONNX Runtime intra-op threads of the detector and landmark models (capped by the profile's `cpu_threads`):
       * these small models lose more to thread hand-offs than they gain, and ffmpeg needs the other core.
       */
      model_threads: z.number().int().min(1).max(256).default(1),
      /** Seconds between checkpoints of the position (taken when no track is open), for `--resume`. */
      checkpoint_interval_s: z.number().positive().default(10),
    })
    .prefault({}),
  /** Shot-cut detection on analysed frames. */
  shots: z
    .object({
      /** Bhattacharyya distance of HSV histograms (0..1, mean over 3 x 3 cells) above which two consecutive analysed frames are a cut. */
      cut_threshold: z.number().min(0).max(1).default(0.42),
    })
    .prefault({}),
  /** ByteTrack (Zhang et al., ECCV 2022). */
  track: z
    .object({
      /** Detections at or above this score take part in the first association and may start tracks. */
      high_score: z.number().min(0).max(1).default(0.95),
      /**
       * `high_score` of faces shorter than `detect.follow_face_px` (source pixels): the detector scores faces of
       * a few pixels lower, and those found by the zoomed pass must be able to start tracks.
       */
      small_face_high_score: z.number().min(0).max(1).default(0.5),
      /** Minimum IoU for a match in the first (high-score) association. */
      match_iou_high: z.number().min(0).max(1).default(0.2),
      /** Minimum IoU for a match in the second (low-score) association. */
      match_iou_low: z.number().min(0).max(1).default(0.4),
      /** A track not matched for this many seconds ends. */
      max_gap_s: z.number().min(0).default(1.0),
      /** Consecutive matched analysed frames before a new track is confirmed. */
      min_hits: z.number().int().min(1).default(2),
      /**
       * Tracklet stitching within a shot (a face turning to profile, or moving fast, breaks the IoU association):
       * longest time, in seconds, from one track's last detection to the next one's first.
       */
      stitch_max_gap_s: z.number().min(0).default(1.0),
      /**
       * Stitching: largest distance from the first track's box centre, carried on at its last velocity, to the next
       * track's first box centre, in face heights.
       */
      stitch_max_shift: z.number().min(0).default(1.0),
      /** Stitching: largest ratio of the two tracks' face heights where they meet (larger over smaller). */
      stitch_max_size_ratio: z.number().min(1).default(1.5),
    })
    .prefault({}),
  /** Face sampling, alignment and embedding. */
  faces: z
    .object({
      /** At most this many face samples per track are embedded. */
      samples_per_track: z.number().int().min(1).max(100).default(5),
      /** Seconds of a track per sample candidate bin: one candidate crop is kept per bin. */
      candidate_interval_s: z.number().positive().default(1.0),
      /** Candidates whose face is shorter than this, in source-video pixels, are skipped. */
      min_face_px: z.number().min(0).default(20),
      /**
       * Estimated head yaw, in degrees (`estimateYawDeg`, 0 frontal), above which a candidate is a profile view:
       * profile candidates are not embedded when their track has any candidate at or below it (profiles embed
       * poorly; the track's whole time still counts for the identity its frontal samples give). A track with only
       * profile candidates is embedded as before. On the sitcom clip, samples up to about 50 degrees still match
       * their character's gallery face (mean similarity 0.46 at 40-49, 0.36 at 50-59, 0.18 above 60).
       */
      profile_yaw_deg: z.number().min(0).max(90).default(50),
      /** Faces embedded per ONNX Runtime call. */
      embed_batch: z.number().int().min(1).max(256).default(8),
      /** JPEG quality of the aligned crops (1-100). */
      crop_jpeg_quality: z.number().int().min(1).max(100).default(90),
      /** WebP quality of the per-track thumbnail (1-100). */
      thumb_webp_quality: z.number().int().min(1).max(100).default(80),
    })
    .prefault({}),
  /** Agglomerative clustering of track prototypes. */
  cluster: z
    .object({
      /** Average-linkage cosine distance at which merging stops (1 - similarity). */
      distance_threshold: z.number().min(0).max(2).default(0.65),
      /**
       * Scene evidence (issue 11): two tracks at most this many seconds apart (gap between their time spans) are
       * taken as one scene, in which a person keeps their clothes; between scenes clothes may change.
       */
      scene_window_s: z.number().min(0).default(10),
      /**
       * Distance added between two tracks of one scene whose clothing descriptors (tracks.jsonl `clothing`)
       * differ by `clothing_full_distance` or more; ramps up linearly from `clothing_min_distance`. On the sitcom
       * clip the two brothers' tracks of one scene differ by 0.05-0.10, one brother's tracks by 0.005-0.04.
       */
      clothing_penalty: z.number().min(0).max(1).default(0.15),
      /** Clothing distance (1 - Bhattacharyya coefficient of the histograms) below which no penalty is added. */
      clothing_min_distance: z.number().min(0).max(1).default(0.04),
      /** Clothing distance from which the whole `clothing_penalty` is added. */
      clothing_full_distance: z.number().min(0).max(1).default(0.1),
      /**
       * Distance added between two tracks of different shots at most `cut_gap_s` apart: shot/reverse-shot
       * alternates two people across cuts, so adjacent shots are weaker evidence of one person.
       */
      cut_penalty: z.number().min(0).max(1).default(0.05),
      /** Largest gap, in seconds, between two tracks across a cut for `cut_penalty`. */
      cut_gap_s: z.number().min(0).default(1),
      /**
       * Both scene penalties apply only between tracks whose median face heights differ by at most this factor
       * (larger over smaller): the region below a face means different things in a wide shot and a close-up, and
       * shot/reverse-shot cuts between like framings. On the small-face fixture one man's tracks at 20, 31 and 80
       * px differ in clothing by 0.70-0.91 (the region reaches the padding), and would be split.
       */
      scene_max_size_ratio: z.number().min(1).default(1.5),
      /**
       * Turned heads (issue 11, pipeline/cluster/attach-turned.ts): a track whose face samples have a median
       * estimated yaw (faces.jsonl `yaw_deg`) of at least this many degrees is turned. The estimate reads 3/4 and
       * profile alike: on the sitcom clip the father's profile track in the wide table shot reads 37.2, frontal
       * close-ups mostly 0-30 but up to 41-47 for a face looking aside.
       */
      attach_min_yaw_deg: z.number().min(0).max(90).default(35),
      /** An identity of at most this many tracks is weak: its turned tracks may move (see below). */
      attach_max_identity_tracks: z.number().int().min(1).default(2),
      /**
       * So is one of which at least this share of the tracks are turned: profiles of several people embed alike
       * and cluster together (sitcom: 4 of 5 tracks of such an identity; 6 of 10 of a frontal one at most).
       */
      attach_min_turned_share: z.number().min(0).max(1).default(0.75),
      /**
       * A turned track of a weak identity moves into the established identity whose tracks of the scene
       * (`scene_window_s`) wear the nearest clothes, when the mean clothing distance is at most this (sitcom: the
       * five right moves 0.013-0.088)...
       */
      attach_max_clothing_distance: z.number().min(0).max(1).default(0.1),
      /** ... and the runner-up identity is at least this much farther (sitcom: 0.035-0.24 for the right moves). */
      attach_margin: z.number().min(0).max(1).default(0.03),
      /**
       * ... unless its prototype is at least this similar (cosine) to the mean prototype of another established
       * identity's tracks that are not turned: its face names that person (sitcom: the one wrong clothing choice,
       * a boy in profile taken for his brother, is 0.51 similar to his own identity; the five right moves 0.14 at
       * most to any other).
       */
      attach_face_veto_similarity: z.number().min(-1).max(1).default(0.4),
    })
    .refine((c) => c.clothing_min_distance < c.clothing_full_distance, {
      message: 'cluster.clothing_min_distance must be below cluster.clothing_full_distance',
    })
    .prefault({}),
  /** Screen-time math. */
  screentime: z
    .object({
      /** Intervals of one identity closer than this, in seconds, are merged. */
      gap_tolerance_s: z.number().min(0).default(0.5),
    })
    .prefault({}),
  /** Review: suggestions, auto-group, facebank export, carry-over and listings (src/review). */
  review: z
    .object({
      /**
       * Suggestion tiers: least cosine similarity (identity centroid to a cast member's reference) of each tier;
       * below `medium` a suggestion is `low`. `auto` 0.65: on the sitcom clip with its one-image gallery the six
       * right matches are 0.67-0.84 and the best wrong one 0.26; still images of different people reach 0.47.
       */
      tiers: z
        .object({
          auto: z.number().min(-1).max(1).default(0.65),
          high: z.number().min(-1).max(1).default(0.55),
          medium: z.number().min(-1).max(1).default(0.4),
        })
        .prefault({}),
      /**
       * Auto-assignment after `cluster` and on facebank changes: suggestions of this tier or better name their
       * identity as one undoable edit by `system` (`auto` only, `auto` and `high`, or `off`).
       */
      auto_assign_tier: z.enum(['auto', 'high', 'off']).default('auto'),
      /** An `auto` suggestion must also lead the next cast member's similarity by this much. */
      auto_margin: z.number().min(0).max(2).default(0.1),
      /** Cast members listed per identity in suggestions. */
      suggestions_per_identity: z.number().int().min(1).max(50).default(5),
      /** Auto-group: least average cosine similarity of identity centroids proposed as one group. */
      auto_group_min_similarity: z.number().min(-1).max(1).default(0.5),
      /**
       * Cleanup: a track is cut where the cosine similarity of two consecutive face samples (by frame) falls below
       * this: two people in one track (a dissolve, or a tracker swap). On the franck/cap12 dissolve, samples of one
       * man are 0.77-0.97 apart and the step between the men is -0.03.
       */
      cleanup_jump_similarity: z.number().min(-1).max(1).default(0.25),
      /** Cleanup: each part of a cut track keeps at least this many embedded face samples (one outlier is no cut). */
      cleanup_min_side_faces: z.number().int().min(1).max(100).default(2),
      /** Face samples a reviewed identity exports into the facebank, best quality first. */
      facebank_export_samples: z.number().int().min(1).max(100).default(5),
      /** Long side in pixels of the thumbnail kept for an uploaded facebank image. */
      facebank_thumb_px: z.number().int().min(16).max(1024).default(160),
      /** Least IoU of two boxes in (nearly) the same frame for a track of a new run to match one of an old run. */
      carry_over_min_iou: z.number().min(0).max(1).default(0.3),
      /** Items per page of review listings when `page_size` is not given. */
      page_size: z.number().int().min(1).max(1000).default(50),
      /** Largest `page_size` a listing accepts. */
      max_page_size: z.number().int().min(1).max(10000).default(500),
      /**
       * The one local user recorded when no account signs in: the API's single-user mode (no account exists,
       * loopback) and the CLI (its `--reviewer` default).
       */
      default_reviewer: z.string().min(1).default('local'),
    })
    .prefault({}),
  /** Jobs: how stages run as child processes (`local` mode in the API, `redis` mode in workers). */
  jobs: z
    .object({
      /**
       * Seconds between a runner's copies of its stage's heartbeat into the jobs table, lock file and queue job. The
       * heartbeat is the stage's own `progress.json` write (at its start, on its progress, at least once a second
       * while frames or batches advance), never a timer: a stage that makes no progress does not beat.
       * Env `SCREENALYTICS_JOB_HEARTBEAT_S`.
       */
      heartbeat_s: z.number().positive().default(10),
      /**
       * A running job whose heartbeat is older than this many seconds is `stalled` (its runner or stage is gone, or
       * alive but making no progress: a hung decoder, a stalled network share). Env `SCREENALYTICS_JOB_STALL_S`.
       */
      stall_after_s: z.number().positive().default(30),
      /** Milliseconds between checks of a running job's cancel flag, child process and progress.json. */
      poll_ms: z.number().int().min(10).max(5000).default(250),
      /** Seconds a cancelled stage gets to stop after SIGTERM before its process group is SIGKILLed. */
      kill_grace_s: z.number().min(0).default(1),
      /** Seconds after which a `local` job is killed and fails with `timeout`. Env `SCREENALYTICS_LOCAL_TIMEOUT_S`. */
      local_timeout_s: z.number().positive().default(3600),
      /** CPU threads cap of a `local` job (it shares the machine with the API). Env `SCREENALYTICS_LOCAL_MAX_THREADS`. */
      local_max_threads: z.number().int().min(1).max(256).default(2),
      /** Redis of the `redis` mode. Env `REDIS_URL`. */
      redis_url: z.string().min(1).default('redis://127.0.0.1:6379'),
      /** Milliseconds to wait for Redis to answer before it counts as down. */
      redis_timeout_ms: z.number().int().positive().default(1000),
      /** BullMQ queue of stage jobs. Env `SCREENALYTICS_QUEUE_NAME`. */
      queue_name: z.string().min(1).default('screenalytics-stages'),
      /** BullMQ key prefix in Redis (tests use `test-<uuid>`). Env `SCREENALYTICS_QUEUE_PREFIX`. */
      queue_prefix: z.string().min(1).default('bull'),
      /** Jobs one worker process runs at once. Env `SCREENALYTICS_WORKER_CONCURRENCY`. */
      worker_concurrency: z.number().int().min(1).max(64).default(1),
      /** Seconds a worker told to stop (SIGTERM) lets its running job finish before re-queueing it. Env `SCREENALYTICS_WORKER_GRACE_S`. */
      worker_shutdown_grace_s: z.number().min(0).default(30),
      /** Log lines in the `log_tail` of a job. */
      log_tail_lines: z.number().int().min(0).max(10000).default(50),
    })
    .prefault({}),
  /** HTTP API (`screenalytics serve`). */
  api: z
    .object({
      /** Interface to listen on. Env `SCREENALYTICS_HOST`. */
      host: z.string().min(1).default('127.0.0.1'),
      /** TCP port; 0 picks a free one. Env `SCREENALYTICS_PORT`. */
      port: z.number().int().min(0).max(65535).default(8000),
      /** Largest accepted video upload, in bytes. */
      upload_max_bytes: z
        .number()
        .int()
        .positive()
        .default(20 * 1024 ** 3),
      /**
       * Folders under which `video_path` of `POST /episodes` may point (resolved with symlinks first); empty: no
       * server path is accepted, videos come by upload only. Env `SCREENALYTICS_MEDIA_ROOTS` (`:`-separated).
       */
      media_roots: z.array(z.string().min(1)).default([]),
      /**
       * Public URLs of this API (`https://screenalytics.studio.example`): their origins may send state-changing
       * browser requests and their host names pass the Host check, on top of the request's own validated host.
       * Env `SCREENALYTICS_PUBLIC_URLS` (comma-separated).
       */
      public_urls: z.array(z.url()).default([]),
      /**
       * Host names (without port) the Host header may carry, on top of `localhost`, `127.0.0.1`, `::1`, the
       * listen address and the public URLs' hosts; anything else is answered 421 (DNS rebinding). Env
       * `SCREENALYTICS_ALLOWED_HOSTS` (comma-separated).
       */
      allowed_hosts: z.array(z.string().min(1)).default([]),
      /**
       * Secret signing the session cookie, 32 characters or more; default: a random one kept in
       * `{data_dir}/secrets/session-secret` (mode 0600). Env `SCREENALYTICS_SESSION_SECRET`. Redacted by `GET /config`.
       */
      session_secret: z.string().min(32).optional(),
      /** Lifetime of a browser session, in seconds (signing in again starts a new one). */
      session_max_age_s: z
        .number()
        .int()
        .positive()
        .default(12 * 3600),
      /** Largest accepted facebank image upload, in bytes. */
      image_upload_max_bytes: z
        .number()
        .int()
        .positive()
        .default(20 * 1024 ** 2),
      /** Largest image, in pixels (width x height read from its header), decoded from an upload. */
      image_max_pixels: z.number().int().positive().default(25_000_000),
      /** Uploaded images decoded at once; more wait their turn. */
      image_decode_concurrency: z.number().int().min(1).max(64).default(2),
      /** Free bytes a video upload must leave on the data directory's disk, on top of its own size. */
      upload_min_free_bytes: z
        .number()
        .int()
        .min(0)
        .default(512 * 1024 ** 2),
      /**
       * Container formats (ffprobe `format_name` parts) accepted as episode videos; anything else (a text file read
       * as `tty`, an image) is refused with the same 400 as a missing file.
       */
      video_formats: z
        .array(z.string().min(1))
        .default(['mov', 'mp4', 'matroska', 'webm', 'mpegts', 'avi', 'mpeg', 'flv', 'mxf', 'asf']),
      /** Server-sent-event streams open at once per client address. */
      sse_max_per_client: z.number().int().min(1).default(8),
      /** Server-sent-event streams open at once in total. */
      sse_max_total: z.number().int().min(1).default(64),
    })
    .prefault({}),
  /** Model pack: manifest entry names (or paths to `.onnx` files, with their manifest entry). */
  models: z
    .object({
      ultraface: z.string().default('ultraface-rfb-320'),
      blazeface: z.string().default('blazeface-back-256'),
      landmarks: z.string().default('landmark68-gray64'),
      embedder: z.string().default('mobilefacenet-512'),
    })
    .prefault({}),
});

/** The validated, frozen configuration object. */
export type Config = z.infer<typeof configSchema>;
