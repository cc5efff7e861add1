/**
 * @module The model pack: `manifest.json` (zod schema), resolving a configured model by name or by path to an
 * `.onnx` file with a sidecar description, and the sha256 + size check of every model file before it is used.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { ModelError } from '../errors.ts';
import { DETECTORS } from '../types.ts';

/** What a model does. */
export const MODEL_KINDS = ['detector', 'landmarks', 'embedder'] as const;

/** A model kind. */
export type ModelKind = (typeof MODEL_KINDS)[number];

const dims = z.array(z.union([z.number().int(), z.string()])).min(1);

/** One model of the pack, as listed in `models/manifest.json`. */
export const modelEntrySchema = z.object({
  /** Name the config refers to (`config.models.*`). */
  name: z.string().min(1),
  kind: z.enum(MODEL_KINDS),
  /** Decoder family of a detector. */
  family: z.enum(DETECTORS).optional(),
  /** File name, relative to the manifest's folder. */
  file: z.string().min(1),
  /** Lower-case hex sha256 of the file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** File size in bytes. */
  bytes: z.number().int().positive(),
  /** SPDX licence id. */
  licence: z.string().min(1),
  /** Licence text, relative to the manifest's folder. */
  licence_file: z.string().min(1),
  /** Where the file comes from: npm package `name@version` and the path inside it. */
  source: z.object({ package: z.string().min(1), path: z.string().min(1) }),
  /** Input tensor: name, shape (a string or -1 for a symbolic dim), layout, colour, per-channel (px - mean) / std. */
  input: z.object({
    name: z.string().min(1),
    shape: dims,
    layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
    color: z.enum(['RGB', 'GRAY']).default('RGB'),
    mean: z.array(z.number()).min(1).max(3),
    std: z.array(z.number().positive()).min(1).max(3),
  }),
  /** Output tensors by role (e.g. `scores`, `boxes`, `points`, `embedding`): graph name and shape. */
  output: z.record(z.string(), z.object({ name: z.string().min(1), shape: dims })),
  /** Length of one embedding (embedders only). */
  embedding_dim: z.number().int().positive().optional(),
});

/** A manifest entry. */
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** `models/manifest.json`. */
export const manifestSchema = z.object({
  schema_version: z.literal(1),
  models: z.array(modelEntrySchema),
});

/**
 * Sidecar `<model>.onnx.json` describing a model that is not in the manifest (e.g. an ArcFace-style embedder).
 * Only `kind`, `input` and `output` are required (an embedder also needs `embedding_dim`); when `sha256` is
 * given the file is checked like a manifest model.
 */
export const sidecarSchema = modelEntrySchema.partial({
  name: true,
  file: true,
  sha256: true,
  bytes: true,
  licence: true,
  licence_file: true,
  source: true,
});

/** A model ready to load: its description and the absolute path of its `.onnx` file. */
export interface ResolvedModel {
  /** Manifest entry, or the sidecar description (name and file defaulted from the path). */
  entry: z.infer<typeof sidecarSchema> & { name: string; file: string };
  /** Absolute path of the `.onnx` file, already verified. */
  path: string;
}

function parseJson<T>(schema: z.ZodType<T>, file: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ModelError(
      `Cannot read ${what} ${file}: ${String(cause)}; run \`npm run fetch-models\``,
      { cause },
    );
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  throw new ModelError(
    `Invalid ${what} ${file} at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
  );
}

/**
 * Reads and validates `manifest.json` of a models folder.
 * @param modelsDir - folder holding the manifest (default in the config: `config.models_dir`)
 * @throws ModelError (`MODEL_INVALID`) when the manifest is missing or invalid
 */
export function loadManifest(modelsDir: string): z.infer<typeof manifestSchema> {
  return parseJson(manifestSchema, join(modelsDir, 'manifest.json'), 'model manifest');
}

const hashCache = new Map<string, string>();

/** sha256 of a file, computed once per process for each (path, mtime, size). */
function hashFile(path: string, mtimeMs: number, size: number): string {
  const key = `${path}\0${mtimeMs}\0${size}`;
  let hash = hashCache.get(key);
  if (!hash) {
    hash = createHash('sha256').update(readFileSync(path)).digest('hex');
    hashCache.set(key, hash);
  }
  return hash;
}

/**
 * Checks that a model file exists and has the expected size and sha256 (cached per path + mtime + size).
 * @param path - the `.onnx` file
 * @param expected - sha256 (hex) and size in bytes; nothing is checked beyond existence when absent
 * @param fix - what the user should do, appended to the message
 * @throws ModelError (`MODEL_INVALID`) naming the file, expected vs actual hash, and the fix
 */
export function verifyModelFile(
  path: string,
  expected: { sha256?: string; bytes?: number },
  fix: string,
): void {
  if (!existsSync(path)) {
    throw new ModelError(`Model file ${path} is missing; ${fix}`);
  }
  const stat = statSync(path);
  if (!expected.sha256) {
    return;
  }
  const actual = hashFile(path, stat.mtimeMs, stat.size);
  if (
    actual !== expected.sha256 ||
    (expected.bytes !== undefined && stat.size !== expected.bytes)
  ) {
    throw new ModelError(
      `Model file ${path} failed its check: sha256 ${actual} (${stat.size} bytes), expected ${expected.sha256}` +
        ` (${expected.bytes ?? '?'} bytes); ${fix}`,
    );
  }
}

const FETCH_FIX = 'run `npm run fetch-models` to restore it';

/**
 * Resolves a configured model reference to a verified file and its description.
 * `ref` is either a manifest entry name (e.g. `config.models.embedder`) or a path to an `.onnx` file; a path
 * needs a sidecar description `<file>.onnx.json` (or `<file>.json`) matching {@link sidecarSchema}.
 * @param modelsDir - folder of the manifest (`config.models_dir`)
 * @param ref - entry name or path to an `.onnx` file (relative paths resolve from the working directory)
 * @param kind - the kind the caller needs
 * @throws ModelError (`MODEL_INVALID`) for an unknown name, a missing sidecar, a kind mismatch, or a file that
 *   is missing or fails its sha256 check
 */
export function resolveModel(modelsDir: string, ref: string, kind: ModelKind): ResolvedModel {
  let resolved: ResolvedModel;
  let fix = FETCH_FIX;
  if (ref.endsWith('.onnx')) {
    const path = resolve(ref);
    const sidecar = [`${path}.json`, path.replace(/\.onnx$/, '.json')].find((p) => existsSync(p));
    if (!sidecar) {
      throw new ModelError(
        `Model ${path} has no description: create ${path}.json (see models/README.md)`,
      );
    }
    const entry = parseJson(sidecarSchema, sidecar, 'model description');
    resolved = {
      entry: { ...entry, name: entry.name ?? basename(path), file: basename(path) },
      path,
    };
    fix = `replace the file or fix sha256 in ${sidecar}`;
  } else {
    const manifest = loadManifest(modelsDir);
    const entry = manifest.models.find((m) => m.name === ref);
    if (!entry) {
      const known = manifest.models.filter((m) => m.kind === kind).map((m) => m.name);
      throw new ModelError(
        `Unknown ${kind} model '${ref}'; use one of ${known.join(', ')} or a path to an .onnx file`,
      );
    }
    resolved = { entry, path: resolve(modelsDir, entry.file) };
  }
  if (resolved.entry.kind !== kind) {
    throw new ModelError(
      `Model '${ref}' is a ${resolved.entry.kind}, not a ${kind}; fix config.models`,
    );
  }
  verifyModelFile(resolved.path, resolved.entry, fix);
  return resolved;
}
