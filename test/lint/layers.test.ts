/**
 * The layer rule of `eslint.config.js` (eslint-plugin-boundaries) on small files linted from memory at paths of the
 * real tree, against the real modules they import: a downward import passes, an upward one, and a web import of
 * anything in `src/` but the API contract, fail with the rule's message.
 */
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

let eslint: ESLint;

/**
 * @param filePath - path of the in-memory file, relative to the repository root
 * @param code - its text
 * @returns messages of the boundaries rule
 */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'boundaries/dependencies')
    .map((m) => m.message);
}

beforeAll(async () => {
  // By URL: the config is JavaScript without declarations.
  const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
  const { default: config } = (await import(configUrl)) as { default: Linter.Config[] };
  // Only the layer block of the project config, with the TypeScript parser but no type information (the
  // in-memory files are in no tsconfig project).
  const layerBlocks = config.filter((c) => c.plugins?.['boundaries']);
  expect(layerBlocks).toHaveLength(1);
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      ...layerBlocks,
    ],
  });
});

describe('layer order', () => {
  it('lets a layer import the layers below it', async () => {
    const code = [
      "import { loadConfig } from '../config/index.ts';",
      "import { runPaths } from '../store/index.ts';",
      "import { STAGES } from '../types.ts';",
      'export const used = [loadConfig, runPaths, STAGES];',
    ].join('\n');
    expect(await layerErrors('src/jobs/layer-probe.ts', code)).toEqual([]);
  });

  it('refuses an upward import: src/store importing src/jobs', async () => {
    const code =
      "import { episodeStatus } from '../jobs/index.ts';\nexport const used = episodeStatus;";
    expect(await layerErrors('src/store/layer-probe.ts', code)).toEqual([
      'src/store may not import src/jobs: imports point down only (layers in README "How it works")',
    ]);
  });

  it('refuses an import between folders of one row: src/review importing src/accounts', async () => {
    const code = "import { addUser } from '../accounts/index.ts';\nexport const used = addUser;";
    expect(await layerErrors('src/review/layer-probe.ts', code)).toHaveLength(1);
  });

  it('lets the web app import the API contract and nothing else of src/', async () => {
    const ok = [
      "import { STAGES, type EpisodeView } from '../../src/api/contract.ts';",
      "import { formatDuration } from './components/format.ts';",
      'export const used: unknown[] = [STAGES, formatDuration, {} as EpisodeView];',
    ].join('\n');
    expect(await layerErrors('web/src/layer-probe.ts', ok)).toEqual([]);
    const bad = [
      "import type { SourceJson } from '../../src/store/index.ts';",
      "import { STAGES } from '../../src/types.ts';",
      'export const used: unknown[] = [STAGES, {} as SourceJson];',
    ].join('\n');
    expect(await layerErrors('web/src/layer-probe.ts', bad)).toEqual([
      'the web app imports from src/ only through the API contract (src/api/contract.ts)',
      'the web app imports from src/ only through the API contract (src/api/contract.ts)',
    ]);
  });

  it('keeps server code out of the contract: value imports only from src/types.ts', async () => {
    const code = [
      "export { STAGES } from '../types.ts';",
      "export type { JobStatus } from '../jobs/index.ts';",
      "export { episodeStatus } from '../jobs/index.ts';",
    ].join('\n');
    expect(await layerErrors('src/api/contract.ts', code)).toEqual([
      'the API contract imports server modules as types only (import type / export type)',
    ]);
  });
});
