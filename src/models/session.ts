/**
 * @module ONNX Runtime sessions: which execution providers a device request maps to, and session creation with
 * the thread settings every model of Screenalytics runs with.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../errors.ts';
import type { DeviceName } from '../types.ts';
import { rewritePRelu } from './onnx-prelu.ts';

/** The devices a session actually ran on, as recorded in a stage marker. */
export interface ExecutionInfo {
  /** Device asked for (`config.device` or a CLI flag). */
  requested: DeviceName;
  /** ONNX Runtime execution providers in priority order, e.g. `['cuda', 'cpu']` or `['cpu']`. */
  providers: string[];
  /** One-line notes, e.g. a CPU fallback; empty when the request was met as asked. */
  warnings: string[];
}

/** How to build a session. */
export interface SessionRequest {
  /** Device to run on (default in the config: `config.device`). */
  device: DeviceName;
  /** Use the CPU when an explicitly requested accelerator is unavailable (`config.allow_cpu_fallback`). */
  allowCpuFallback: boolean;
  /** Intra-op threads (the profile's `cpu_threads`). */
  cpuThreads: number;
}

const ACCELERATORS = ['cuda', 'coreml'] as const;

/** Provider library file of a backend that onnxruntime-node lists but does not bundle (e.g. CUDA on Linux). */
function providerLibrary(name: string): string {
  const index = createRequire(import.meta.url).resolve('onnxruntime-node');
  const dir = join(dirname(index), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const file =
    process.platform === 'win32'
      ? `onnxruntime_providers_${name}.dll`
      : `libonnxruntime_providers_${name}.so`;
  return join(dir, file);
}

/**
 * The accelerators this onnxruntime-node install can use: listed by `ort.listSupportedBackends()` and either
 * bundled or with their provider library installed (CUDA needs `--onnxruntime-node-install=cuda12`).
 * @returns e.g. `['cuda']`, `['coreml']` or `[]`
 */
export function listAvailableAccelerators(): DeviceName[] {
  const backends = ort.listSupportedBackends();
  return ACCELERATORS.filter((name) =>
    backends.some((b) => b.name === name && (b.bundled || existsSync(providerLibrary(name)))),
  );
}

/**
 * Maps a device request to execution providers. `auto` takes the best available of cuda, coreml, cpu;
 * an explicit accelerator that is unavailable fails, or falls back to CPU with a warning when allowed.
 * @param device - requested device
 * @param allowCpuFallback - fall back to CPU instead of failing (`config.allow_cpu_fallback`)
 * @param available - accelerators present (default: {@link listAvailableAccelerators})
 * @throws AppError (`DEVICE_UNAVAILABLE`, 400) when an explicit accelerator is missing and fallback is off
 */
export function resolveDevice(
  device: DeviceName,
  allowCpuFallback: boolean,
  available: DeviceName[] = listAvailableAccelerators(),
): ExecutionInfo {
  if (device === 'cpu') {
    return { requested: device, providers: ['cpu'], warnings: [] };
  }
  if (device === 'auto') {
    const best = ACCELERATORS.find((a) => available.includes(a));
    return { requested: device, providers: best ? [best, 'cpu'] : ['cpu'], warnings: [] };
  }
  if (available.includes(device)) {
    return { requested: device, providers: [device, 'cpu'], warnings: [] };
  }
  const have = ['cpu', ...available].join(', ');
  if (!allowCpuFallback) {
    throw new AppError(
      'DEVICE_UNAVAILABLE',
      400,
      `Device '${device}' is not available to onnxruntime-node here (available: ${have}); use --device cpu, or --allow-cpu-fallback (allow_cpu_fallback in the API) to run on CPU`,
    );
  }
  return {
    requested: device,
    providers: ['cpu'],
    warnings: [`device '${device}' unavailable (available: ${have}); running on cpu`],
  };
}

function sessionOptions(
  providers: string[],
  cpuThreads: number,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: providers,
    intraOpNumThreads: cpuThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Errors only: some vendored graphs carry unused initializers that ORT warns about on every load.
    logSeverityLevel: 3,
    // Spinning worker threads burn the CPU between runs; turning it off was the biggest single speed win.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/**
 * Creates an inference session on the requested device. PRelu nodes are first rewritten into faster equivalent
 * ops ({@link rewritePRelu}). If an accelerator's session fails to start (e.g. the CUDA libraries are missing)
 * the session falls back to CPU with a warning when the request was `auto` or fallback is allowed.
 * @param model - path of an `.onnx` file, or its bytes (e.g. a batch-rewritten copy)
 * @param request - device, fallback and thread count
 * @returns the session and what it runs on
 * @throws AppError (`DEVICE_UNAVAILABLE`, 400) when the requested accelerator is unavailable and fallback is off
 */
export async function createSession(
  model: string | Uint8Array,
  request: SessionRequest,
): Promise<{ session: ort.InferenceSession; execution: ExecutionInfo }> {
  const execution = resolveDevice(request.device, request.allowCpuFallback);
  const bytes = typeof model === 'string' ? readFileSync(model) : model;
  let graph = bytes;
  try {
    graph = rewritePRelu(bytes)?.model ?? bytes;
  } catch {
    // Not a protobuf message: ONNX Runtime's own error below says what is wrong with the file.
  }
  const create = (providers: string[]) =>
    ort.InferenceSession.create(graph, sessionOptions(providers, request.cpuThreads));
  if (execution.providers[0] === 'cpu') {
    return { session: await create(['cpu']), execution };
  }
  try {
    return { session: await create(execution.providers), execution };
  } catch (cause) {
    const reason = String(cause).split('\n')[0];
    if (request.device !== 'auto' && !request.allowCpuFallback) {
      throw new AppError(
        'DEVICE_UNAVAILABLE',
        400,
        `Device '${request.device}' failed to start: ${reason}; use --device cpu`,
        {
          cause,
        },
      );
    }
    const warnings = [
      ...execution.warnings,
      `${execution.providers[0]} failed to start (${reason}); running on cpu`,
    ];
    return {
      session: await create(['cpu']),
      execution: { ...execution, providers: ['cpu'], warnings },
    };
  }
}

/**
 * Wraps an async function so that calls run one after another (each waits for the previous to settle).
 * Models use it because every call writes the same preallocated input tensor.
 */
export function serialise<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (...args: A) => {
    const run = tail.then(() => fn(...args));
    // The queue only orders calls; each caller sees its own rejection through `run`.
    tail = run.catch(() => undefined);
    return run;
  };
}
