/**
 * @module The data directory's instance in the database: one row, written by the API when it starts (and by a
 * client queueing jobs without an API), read by workers to check that their data directory is the API's.
 */
import { ConflictError } from '../../errors.ts';
import { transact, type Db } from './open.ts';

/** The `instance` row. */
export interface InstanceRecord {
  /** Id of the data directory's marker file (UUID). */
  instance_id: string;
  /** The data directory, absolute, as the announcing host sees it. */
  data_dir: string;
  /** Host name of the process that announced it. */
  host: string;
  /** When it was last announced, ISO 8601 UTC. */
  announced_at: string;
}

/**
 * @param db - open database
 * @returns the instance this database belongs to, or null before any API announced one
 */
export async function getInstance(db: Db): Promise<InstanceRecord | null> {
  return (await db.q.selectFrom('instance').selectAll().executeTakeFirst()) ?? null;
}

/**
 * Records that this database belongs to a data directory.
 *
 * Preconditions: none.
 * Effects (one transaction): inserts the row when there is none; when the same instance is there, updates its data
 * directory, host and time.
 * Errors: ConflictError (`CONFLICT`) naming both when the database already belongs to another instance (another
 * data directory: a wrong mount, or a database shared by two installs; give each its own database or schema).
 * @param db - open database
 * @param record - the instance
 * @returns the stored row
 */
export async function announceInstanceRecord(
  db: Db,
  record: InstanceRecord,
): Promise<InstanceRecord> {
  return transact(db, async (tx) => {
    const current = await getInstance(tx);
    if (current && current.instance_id !== record.instance_id) {
      throw new ConflictError(
        `The database ${tx.location} belongs to the data directory ${current.data_dir} on ${current.host} ` +
          `(instance ${current.instance_id}), not to ${record.data_dir} (instance ${record.instance_id}): point ` +
          'SCREENALYTICS_DATA_DIR at that directory, or give this one its own database or SCREENALYTICS_DATABASE_SCHEMA',
      );
    }
    if (current) {
      await tx.q
        .updateTable('instance')
        .set({ data_dir: record.data_dir, host: record.host, announced_at: record.announced_at })
        .where('instance_id', '=', record.instance_id)
        .execute();
    } else {
      await tx.q.insertInto('instance').values(record).execute();
    }
    return record;
  });
}
