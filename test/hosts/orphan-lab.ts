/**
 * @module Helper process of `two-hosts.test.ts`: makes a one-host lab with a process on the host and a folder,
 * prints the lab's record as one JSON line, then waits to be killed (SIGKILL: no cleanup of its own runs), so the
 * test can check that the next lab's sweep removes what it left.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostLab } from './netns.ts';

const lab = HostLab.create(1);
lab.spawn(lab.hosts[0]!, 'sleep', ['600'], { env: process.env, cwd: tmpdir() });
lab.adoptDir(mkdtempSync(join(tmpdir(), 'sa-orphan-')));
process.stdout.write(`${JSON.stringify(lab.describe())}\n`);
setInterval(() => undefined, 60_000);
