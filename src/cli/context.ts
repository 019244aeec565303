import type { Config, RawConfig } from '../config.js';
import { parseConfig, VARIABLES, type VariableName } from '../config.js';
import { UsageError, ConfigError } from '../core/errors.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /** For `import -`. @defaultValue process.stdin */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGTERM / SIGINT. */
  signal: AbortSignal;
}

export interface CommandContext {
  io: CliIo;
  exitCode: number;
}

export function println(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}

/** Merges flags over environment variables and parses the result (CONTRACT section 2). */
export function resolveConfig(argv: Record<string, unknown>, env: NodeJS.ProcessEnv): Config {
  const raw: RawConfig = {};
  for (const [name, flag] of Object.entries(VARIABLES) as [VariableName, string][]) {
    const fromFlag = argv[flag];
    const value = fromFlag !== undefined && fromFlag !== null ? String(fromFlag) : env[name];
    if (value !== undefined) raw[name] = value;
  }
  const result = parseConfig(raw);
  if (!result.ok) {
    const [first, ...rest] = result.errors;
    const more = rest.length > 0 ? ` (and ${rest.length} more: ${rest.join('; ')})` : '';
    if (first!.startsWith('ENV')) throw new UsageError(`${first}${more}`);
    throw new ConfigError(`bad configuration: ${first}${more}`);
  }
  return result.config;
}
