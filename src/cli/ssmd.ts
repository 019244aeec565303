#!/usr/bin/env node
/** `ssmd secmaster <command> ...`, as in the seed; only the secmaster subsystem lives here. */
const [sub, ...rest] = process.argv.slice(2);
if (sub !== 'secmaster') {
  process.stderr.write(`ssmd: unknown subsystem "${sub ?? ''}"; this package provides "ssmd secmaster <command>" (see ssmd secmaster --help).\n`);
  process.exit(2);
}
process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
await import('./main.js');
