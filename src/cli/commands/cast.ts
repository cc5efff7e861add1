/**
 * @module `screenalytics cast add|list|import`: enroll a show's cast from the command line. Images go into the
 * facebank through the review layer (the same function as the API's upload); then every clustered episode of
 * the show is auto-assigned again, and the count of identities named is printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Table from 'cli-table3';
import type { Config } from '../../config/index.ts';
import { InputError, NotFoundError } from '../../errors.ts';
import { FaceImageEmbedder } from '../../pipeline/index.ts';
import {
  addFacebankUpload,
  autoAssignShow,
  importCastCsv,
  parseCsv,
  type FaceFileEmbedder,
  type ReviewDeps,
} from '../../review/index.ts';
import {
  countCastEpisodes,
  countFacebankImages,
  createCastMember,
  deleteCastMember,
  getCastMember,
  listCastMembers,
  listShows,
  openDatabase,
  parseSlug,
  slugify,
  type CastMember,
} from '../../store/index.ts';

/** Options of `cast add` and `cast import`. */
export interface CastImageOptions {
  /** Who is recorded as adding the images (default: `config.review.default_reviewer`). */
  reviewer?: string;
}

/** What adding images gave: how many landed and how many were refused. */
interface ImageOutcome {
  added: number;
  refused: number;
}

/** Makes the face embedder only when a first image needs it (opening the three models takes a moment). */
function lazyEmbedder(config: Config): FaceFileEmbedder & { release(): Promise<void> } {
  let opened: Promise<FaceImageEmbedder> | null = null;
  return {
    async embedFiles(paths) {
      opened ??= FaceImageEmbedder.open(config);
      return (await opened).embedFiles(paths);
    },
    async release() {
      await (await opened)?.release();
    },
  };
}

/**
 * Adds image files to a cast member's facebank, one line per image on stdout (`+ FILE ...`) or stderr
 * (`refused FILE: why`). A file that is missing, is not an image, or has no usable face is refused; the others
 * still land.
 */
async function addImages(
  deps: ReviewDeps,
  embedder: FaceFileEmbedder,
  member: CastMember,
  paths: readonly { shown: string; path: string }[],
  reviewer: string,
): Promise<ImageOutcome> {
  const out: ImageOutcome = { added: 0, refused: 0 };
  for (const { shown, path } of paths) {
    try {
      if (!existsSync(path)) {
        throw new InputError(`${shown} does not exist`);
      }
      const img = await addFacebankUpload(
        deps,
        embedder,
        member.show_id,
        member.cast_id,
        { path, fileName: basename(path) },
        reviewer,
      );
      const [x1, y1, x2, y2] = img.bbox ?? [0, 0, 0, 0];
      process.stdout.write(
        `+ ${shown} -> ${member.name} (${member.cast_id}): face ${Math.round(x2 - x1)}x${Math.round(y2 - y1)} px, ${img.image_id}\n`,
      );
      out.added++;
    } catch (err) {
      // A bad image is reported and the rest still land; the exit code says that one was refused.
      if (!(err instanceof InputError)) {
        throw err;
      }
      process.stderr.write(`refused ${shown}: ${err.message}\n`);
      out.refused++;
    }
  }
  return out;
}

/** Auto-assigns every clustered episode of the show again and prints how many identities were named. */
async function reassign(deps: ReviewDeps, showId: string): Promise<void> {
  const results = await autoAssignShow(deps, showId);
  const named = results.reduce((n, r) => n + r.assigned.length, 0);
  const episodes = results.filter((r) => r.assigned.length > 0).length;
  process.stdout.write(
    `auto-assign (tier ${deps.config.review.auto_assign_tier}): ${named} ${named === 1 ? 'identity' : 'identities'} named in ${episodes} of ${results.length} clustered episode${results.length === 1 ? '' : 's'} of ${showId}\n`,
  );
}

/** The cast id the API would give a new cast member of this name (before making it unique). */
function castIdOf(name: string): string {
  return slugify(name).slice(0, 64).replace(/-+$/, '');
}

/** The cast member of the show with this cast id (the slug of the name) or exactly this name, or null. */
async function findByName(
  deps: ReviewDeps,
  showId: string,
  name: string,
): Promise<CastMember | null> {
  const byId = castIdOf(name) === '' ? null : await getCastMember(deps.db, showId, castIdOf(name));
  if (byId) {
    return byId;
  }
  const wanted = name.trim().toLowerCase();
  const { items } = await listCastMembers(deps.db, showId);
  return items.find((c) => c.name.trim().toLowerCase() === wanted) ?? null;
}

/** Opens the config's database for `fn` and closes it after, whatever `fn` did. */
async function withDeps<T>(config: Config, fn: (deps: ReviewDeps) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.data_dir, config.database);
  try {
    return await fn({ config, db });
  } finally {
    await db.close();
  }
}

/**
 * `cast add SHOW NAME --image FILE...`: creates the cast member when the show has none of that name or cast id
 * (cast id: the slug of the name, as `POST /shows/{show}/cast` makes it), adds each image to its facebank, then
 * auto-assigns the show's clustered episodes again. When no image lands, a cast member created here is removed.
 * @param config - loaded config (`data_dir`, models, `review`)
 * @param showId - show id (a slug; created with the cast member when absent)
 * @param name - display name
 * @param images - image files (JPEG, PNG, WebP...), as given on the command line
 * @param opts - reviewer
 * @returns the process exit code: 0 when every image landed, 2 when one or more were refused
 * @throws InputError for a bad show id or empty name; ModelError or AppError (`DEVICE_UNAVAILABLE`) when the face
 *   models cannot be opened
 */
export async function castAddCommand(
  config: Config,
  showId: string,
  name: string,
  images: readonly string[],
  opts: CastImageOptions = {},
): Promise<number> {
  parseSlug('show id', showId);
  if (name.trim() === '') {
    throw new InputError(
      'The cast member needs a name: screenalytics cast add SHOW "Full Name" --image FILE',
    );
  }
  return withDeps(config, async (deps) => {
    const existing = await findByName(deps, showId, name);
    const member = existing ?? (await createCastMember(deps.db, showId, { name: name.trim() }));
    if (!existing) {
      process.stdout.write(`created cast member ${member.cast_id} (${member.name}) in ${showId}\n`);
    }
    const embedder = lazyEmbedder(config);
    let outcome: ImageOutcome;
    try {
      outcome = await addImages(
        deps,
        embedder,
        member,
        images.map((p) => ({ shown: p, path: resolve(p) })),
        opts.reviewer ?? config.review.default_reviewer,
      );
    } catch (err) {
      if (!existing) {
        await deleteCastMember(deps.db, showId, member.cast_id);
      }
      throw err;
    } finally {
      await embedder.release();
    }
    if (outcome.added === 0 && !existing) {
      await deleteCastMember(deps.db, showId, member.cast_id);
      process.stderr.write(`no image landed: cast member ${member.cast_id} not created\n`);
    }
    if (outcome.added > 0) {
      await reassign(deps, showId);
    }
    return outcome.refused > 0 ? 2 : 0;
  });
}

/**
 * `cast list SHOW`: the show's cast as a table (cast_id, name, role, facebank images, episodes whose current
 * review assigns the cast member).
 * @param config - loaded config (`data_dir`)
 * @param showId - show id
 * @returns the table, or a sentence when the show has no cast member (async)
 * @throws InputError for a bad show id; NotFoundError when the show does not exist
 */
export async function castListCommand(config: Config, showId: string): Promise<string> {
  parseSlug('show id', showId);
  const db = await openDatabase(config.data_dir, config.database);
  try {
    if (!(await listShows(db)).some((s) => s.show_id === showId)) {
      throw new NotFoundError(
        `Show ${showId} does not exist: enroll its cast with screenalytics cast add ${showId} NAME --image FILE`,
      );
    }
    const { items } = await listCastMembers(db, showId);
    if (items.length === 0) {
      return `${showId}: no cast member yet (screenalytics cast add ${showId} NAME --image FILE)`;
    }
    const images = await countFacebankImages(db, showId);
    const episodes = await countCastEpisodes(db, showId);
    const table = new Table({
      head: ['cast_id', 'name', 'role', 'images', 'episodes'],
      colAligns: ['left', 'left', 'left', 'right', 'right'],
      style: { head: [], border: [] },
    });
    for (const c of items) {
      table.push([
        c.cast_id,
        c.name,
        c.role,
        images.get(c.cast_id) ?? 0,
        episodes.get(c.cast_id) ?? 0,
      ]);
    }
    const n = items.length;
    return `${showId}: ${n} cast member${n === 1 ? '' : 's'}\n${table.toString()}`;
  } finally {
    await db.close();
  }
}

/** One CSV field, quoted when it has to be (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * `cast import SHOW FILE.csv`: header `name,aliases,role,images` (plus `status` and `cast_id` as in the API's
 * import; aliases and images `;`-separated, image paths relative to the CSV's folder). Cast members are created or
 * updated all together (the API's CSV import); then each row's images are added to its facebank, and the show's
 * clustered episodes are auto-assigned again.
 * @param config - loaded config
 * @param showId - show id (created when absent)
 * @param csvPath - the CSV file
 * @param opts - reviewer
 * @returns the process exit code: 0 when every image landed, 2 when one or more were refused
 * @throws InputError (nothing written) for a bad show id, a missing CSV, a bad header, role, status or empty name
 *   (naming the line), or an image file that does not exist (naming the line and the path); ModelError or
 *   AppError (`DEVICE_UNAVAILABLE`) when the face models cannot be opened
 */
export async function castImportCommand(
  config: Config,
  showId: string,
  csvPath: string,
  opts: CastImageOptions = {},
): Promise<number> {
  parseSlug('show id', showId);
  if (!existsSync(csvPath)) {
    throw new InputError(`${csvPath} does not exist: give the cast CSV (name,aliases,role,images)`);
  }
  const [header = [], ...rows] = parseCsv(readFileSync(csvPath, 'utf8'));
  const col = header.findIndex((h) => h.trim().toLowerCase() === 'images');
  const nameCol = header.findIndex((h) => h.trim().toLowerCase() === 'name');
  // A row must keep its place once the images column is dropped (a row left blank would vanish from the import).
  rows.forEach((row, k) => {
    if (nameCol >= 0 && (row[nameCol] ?? '').trim() === '') {
      throw new InputError(`Line ${k + 2}: the name is empty`);
    }
  });
  const folder = dirname(resolve(csvPath));
  const imagesOf = rows.map((row, k) => {
    const line = k + 2;
    const listed = col < 0 ? [] : (row[col] ?? '').split(';').map((p) => p.trim());
    return listed
      .filter((p) => p !== '')
      .map((shown) => {
        const path = resolve(folder, shown);
        if (!existsSync(path)) {
          throw new InputError(
            `Line ${line}: image ${shown} does not exist (paths are relative to ${folder})`,
          );
        }
        return { shown, path };
      });
  });
  // The cast columns go to the API's import as they are; the images column is this command's.
  const drop = (r: string[]): string[] => (col < 0 ? r : r.filter((_, i) => i !== col));
  const csv = [header, ...rows].map((r) => drop(r).map(csvField).join(',')).join('\n');
  return withDeps(config, async (deps) => {
    const { created, updated, items } = await importCastCsv(deps.db, showId, csv);
    process.stdout.write(
      `imported ${items.length} cast member${items.length === 1 ? '' : 's'} into ${showId} (${created} created, ${updated} updated)\n`,
    );
    const embedder = lazyEmbedder(config);
    const total: ImageOutcome = { added: 0, refused: 0 };
    try {
      for (const [k, member] of items.entries()) {
        const got = await addImages(
          deps,
          embedder,
          member,
          imagesOf[k] ?? [],
          opts.reviewer ?? config.review.default_reviewer,
        );
        total.added += got.added;
        total.refused += got.refused;
      }
    } finally {
      await embedder.release();
    }
    if (total.added > 0) {
      await reassign(deps, showId);
    }
    return total.refused > 0 ? 2 : 0;
  });
}
