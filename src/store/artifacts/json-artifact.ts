/**
 * @module Reading and writing versioned JSON artifacts: `schema_version` check, zod validation, atomic write.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { writeJsonAtomic } from '../atomic.ts';

/** The `schema_version` every JSON artifact of this build carries. */
export const SCHEMA_VERSION = 1;

/** zod field for `schema_version`. */
export const schemaVersionField = z.literal(SCHEMA_VERSION);

/**
 * Reads a JSON artifact and validates it.
 * @param path - file to read
 * @param schema - zod schema of the artifact (with `schema_version`)
 * @returns the parsed artifact, or null when the file does not exist
 * @throws AppError (`INTERNAL`) when the file is not JSON, has another `schema_version` or does not match the schema
 */
export function readJsonArtifact<S extends z.ZodType>(path: string, schema: S): z.infer<S> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // Absent is an expected state (stage not run yet), reported as null.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new AppError(
      'INTERNAL',
      500,
      `${path} is not valid JSON: delete it and re-run the stage that writes it`,
      {
        cause,
      },
    );
  }
  const version = (raw as { schema_version?: unknown } | null)?.schema_version;
  if (version !== SCHEMA_VERSION) {
    throw new AppError(
      'INTERNAL',
      500,
      `${path} has schema_version ${JSON.stringify(version)}, this build reads ${SCHEMA_VERSION}: ` +
        're-run the stage that writes it with this build',
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'INTERNAL',
      500,
      `${path} does not match its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}; ` +
        're-run the stage that writes it',
    );
  }
  return parsed.data;
}

/**
 * Validates `value` against `schema` and writes it atomically as JSON.
 * @param path - final path
 * @param schema - zod schema of the artifact
 * @param value - the artifact, `schema_version` included
 * @throws ZodError when `value` does not match the schema (a bug in the caller)
 */
export function writeJsonArtifact<S extends z.ZodType>(
  path: string,
  schema: S,
  value: z.input<S>,
): void {
  writeJsonAtomic(path, schema.parse(value));
}
