/**
 * @module The container format of a file as ffprobe names it (`format_name`, e.g. `mov,mp4,m4a,3gp,3g2,mj2`), read
 * from its content, never from its extension: a text file comes out as `tty`, a PNG as `png_pipe`.
 */
import { execFile } from 'node:child_process';
import { resolveMediaTool } from './ffmpeg-path.ts';

/**
 * @param path - the file
 * @returns the parts of ffprobe's `format_name` (lower case), empty when ffprobe cannot read the file
 */
export function probeContainer(path: string): Promise<string[]> {
  const args = ['-v', 'error', '-show_entries', 'format=format_name', '-of', 'json', path];
  return new Promise((resolve) => {
    execFile(resolveMediaTool('ffprobe'), args, { maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err) {
        resolve([]);
        return;
      }
      try {
        const name = (JSON.parse(stdout) as { format?: { format_name?: string } }).format
          ?.format_name;
        resolve(name ? name.toLowerCase().split(',') : []);
      } catch {
        // Not JSON: ffprobe said nothing usable, so no known container.
        resolve([]);
      }
    });
  });
}

/**
 * @param path - the file
 * @param allowed - accepted `format_name` parts (`config.api.video_formats`)
 * @returns true when ffprobe reads the file as one of the allowed containers
 */
export async function isAllowedContainer(
  path: string,
  allowed: readonly string[],
): Promise<boolean> {
  const parts = await probeContainer(path);
  return parts.some((p) => allowed.includes(p));
}
