#!/usr/bin/env node
import { runCli } from './app.js';

/** The binary: the one place that calls process.exit. */
const controller = new AbortController();
let signals = 0;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    signals++;
    if (signals > 1) process.exit(130);
    controller.abort(new Error(`received ${sig}`));
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// Let stdout drain, then leave even if a library kept a handle open.
process.stdout.write('', () => process.exit(code));
