/**
 * @module The `screenalytics` command line: parses arguments, loads the config, runs a command, maps errors to
 * one line and an exit code (0 success, 2 bad input, 1 failure).
 */
import { Command, CommanderError, Option } from 'commander';
import { loadConfig, type ConfigInput } from '../config/index.ts';
import { AppError, isUserError } from '../errors.ts';
import { DEVICES, PROFILES, STAGES, type Stage } from '../types.ts';
import { dbMigrateCommand, dbStatusCommand } from './commands/db.ts';
import { exportCommand, type ExportOptions } from './commands/export.ts';
import { castAddCommand, castImportCommand, castListCommand } from './commands/cast.ts';
import { runCommand, type RunOptions } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { workerCommand } from './commands/worker.ts';
import { stageCommand, type StageOptions } from './commands/stage.ts';
import {
  readPassword,
  userAddCommand,
  userListCommand,
  userRemoveCommand,
  userTokenCommand,
} from './commands/user.ts';

interface CommonFlags {
  profile?: string;
  device?: string;
  allowCpuFallback?: boolean;
  dataDir?: string;
}

const EXIT_BAD_INPUT = 2;
const EXIT_FAILURE = 1;

function withCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--profile <name>', 'profile: stride, detector input, threads').choices(PROFILES),
    )
    .addOption(new Option('--device <device>', 'ONNX Runtime device').choices(DEVICES))
    .option('--allow-cpu-fallback', 'run on CPU when the requested device is unavailable')
    .option('--data-dir <dir>', 'data directory (env SCREENALYTICS_DATA_DIR)');
}

function configFrom(flags: CommonFlags): ReturnType<typeof loadConfig> {
  const overrides: ConfigInput = {
    profile: flags.profile,
    device: flags.device,
    allow_cpu_fallback: flags.allowCpuFallback,
    data_dir: flags.dataDir,
  };
  return loadConfig(overrides);
}

function abortOnSigint(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => {
    process.stderr.write('\ninterrupted: stopping the stage\n');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

const program = new Command('screenalytics')
  .description('Per-person screen time for TV episodes')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str) });

withCommonOptions(
  program
    .command('run')
    .description(
      'process a video end to end and print the screen-time table; or a season: a folder or several videos with --show and --season',
    )
    .argument('<videos...>', 'episode video file, several of them, or a folder of a season')
    .option('--ep-id <id>', 'episode id, e.g. fotb-s01e11')
    .option('--show <name>', 'show name (with --season and --episode)')
    .option('--season <n>', 'season number', Number)
    .option('--episode <n>', 'episode number', Number)
    .option('--out <file>', 'also write screentime.json here')
    .option('--json', 'print screentime.json instead of the table')
    .option('--queue', 'season: send every episode to the workers (redis) and follow them'),
).action(async (videos: string[], flags: CommonFlags & RunOptions) => {
  await runCommand(videos, configFrom(flags), flags, abortOnSigint());
});

withCommonOptions(
  program
    .command('stage')
    .description('run one stage of a registered episode (what job runners start)')
    .addArgument(program.createArgument('<stage>', 'stage').choices(STAGES))
    .requiredOption('--ep-id <id>', 'episode id')
    .option('--run-id <id>', 'run id (default: the latest run)')
    .option(
      '--resume',
      'continue from the stage checkpoint in the run (detect_track), else start over',
    )
    .option('--json', 'print the stage marker as JSON'),
).action(async (stage: Stage, flags: CommonFlags & StageOptions) => {
  await stageCommand(stage, configFrom(flags), flags, abortOnSigint());
});

withCommonOptions(
  program
    .command('export')
    .description("write a season's screen time as CSV, XLSX or PDF and print the file's path")
    .argument('<show>', 'show id, e.g. fotb')
    .requiredOption('--season <n>', 'season number', Number)
    .addOption(
      new Option('--format <format>', 'file format')
        .choices(['csv', 'xlsx', 'pdf'])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'file to write (default: {show}-s{NN}.{format} here)'),
).action(async (show: string, flags: CommonFlags & ExportOptions) => {
  await exportCommand(show, configFrom(flags), flags);
});

const cast = program.command('cast').description("enroll a show's cast: add, list, import");
const collect = (value: string, prev: string[]): string[] => [...prev, value];

withCommonOptions(
  cast
    .command('add')
    .description('create the cast member when absent and add images to its facebank')
    .argument('<show>', 'show id, e.g. fotb')
    .argument('<name>', 'display name; the cast id is its slug')
    .requiredOption('--image <file>', 'reference image (repeat for more)', collect, [])
    .option('--reviewer <name>', 'who adds the images (default: config review.default_reviewer)'),
).action(
  async (
    show: string,
    name: string,
    flags: CommonFlags & { image: string[]; reviewer?: string },
  ) => {
    process.exitCode = await castAddCommand(configFrom(flags), show, name, flags.image, flags);
  },
);

withCommonOptions(
  cast
    .command('list')
    .description("print the show's cast as a table")
    .argument('<show>', 'show id'),
).action(async (show: string, flags: CommonFlags) => {
  process.stdout.write(`${await castListCommand(configFrom(flags), show)}\n`);
});

withCommonOptions(
  cast
    .command('import')
    .description(
      'create or update cast members from CSV (name,aliases,role,images) and add their images',
    )
    .argument('<show>', 'show id')
    .argument('<csv>', 'CSV file; image paths relative to its folder, ;-separated')
    .option('--reviewer <name>', 'who adds the images (default: config review.default_reviewer)'),
).action(async (show: string, csv: string, flags: CommonFlags & { reviewer?: string }) => {
  process.exitCode = await castImportCommand(configFrom(flags), show, csv, flags);
});

withCommonOptions(
  program.command('config').description('print the effective config as JSON'),
).action((flags: CommonFlags) => {
  process.stdout.write(`${JSON.stringify(configFrom(flags), null, 2)}\n`);
});

const db = program
  .command('db')
  .description(
    'the database (SQLite file, or PostgreSQL with SCREENALYTICS_DATABASE_URL): status, migrate',
  );

withCommonOptions(
  db.command('status').description('where the database is and which migrations are applied'),
).action(async (flags: CommonFlags) => {
  process.stdout.write(`${await dbStatusCommand(configFrom(flags))}\n`);
});

withCommonOptions(db.command('migrate').description('apply the pending migrations')).action(
  async (flags: CommonFlags) => {
    process.stdout.write(`${await dbMigrateCommand(configFrom(flags))}\n`);
  },
);

const user = program
  .command('user')
  .description('accounts of the HTTP API: add, token, list, remove');

withCommonOptions(
  user
    .command('add')
    .description('create an account; the password is read from standard input (one line)')
    .argument('<name>', 'user name')
    .addOption(
      new Option('--role <role>', 'admin, reviewer or viewer')
        .choices(['admin', 'reviewer', 'viewer'])
        .makeOptionMandatory(),
    ),
).action(async (name: string, flags: CommonFlags & { role: string }) => {
  const line = await userAddCommand(configFrom(flags), name, flags.role, await readPassword());
  process.stdout.write(`${line}\n`);
});

withCommonOptions(
  user
    .command('token')
    .description('print a new personal API token (Authorization: Bearer ...); shown once')
    .argument('<name>', 'user name')
    .option('--label <text>', 'what the token is for'),
).action(async (name: string, flags: CommonFlags & { label?: string }) => {
  process.stdout.write(`${await userTokenCommand(configFrom(flags), name, flags.label)}\n`);
});

withCommonOptions(user.command('list').description('print the accounts')).action(
  async (flags: CommonFlags) => {
    process.stdout.write(`${await userListCommand(configFrom(flags))}\n`);
  },
);

withCommonOptions(
  user
    .command('remove')
    .description('delete an account with its tokens and sessions')
    .argument('<name>', 'user name'),
).action(async (name: string, flags: CommonFlags) => {
  process.stdout.write(`${await userRemoveCommand(configFrom(flags), name)}\n`);
});

const untilSignal = (): Promise<void> =>
  new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });

withCommonOptions(program.command('serve').description('serve the HTTP API (OpenAPI at /docs)'))
  .option('--port <n>', 'TCP port (default: config api.port; 0 picks a free one)', Number)
  .option('--host <host>', 'interface to listen on (default: config api.host)')
  .action(async (flags: CommonFlags & { port?: number; host?: string }) => {
    await serveCommand(configFrom(flags), flags, untilSignal());
  });

withCommonOptions(
  program.command('worker').description('run queued stage jobs (redis mode)'),
).action(async (flags: CommonFlags) => {
  await workerCommand(configFrom(flags), untilSignal());
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  } else if (err instanceof AppError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = isUserError(err) ? EXIT_BAD_INPUT : EXIT_FAILURE;
  } else {
    process.stderr.write(
      `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = EXIT_FAILURE;
  }
}
