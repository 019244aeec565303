import yargs from 'yargs';
import { UsageError } from '../core/errors.js';
import { COMMANDS } from './commands/index.js';
import { println, type CliIo, type CommandContext } from './context.js';
import { sentenceFor } from './errors.js';
import { withConfigOptions } from './options.js';

/** Parses and runs one command line; returns the exit code (CONTRACT section 7). */
export async function runCli(argv: readonly string[], io: CliIo, scriptName = 'secmaster'): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  let cli = yargs([...argv])
    .scriptName(scriptName)
    .usage('$0 <command> [options]\n\nThe security master of ssmd: Kalshi markets in Redis, changes on NATS JetStream.')
    .strict()
    .recommendCommands()
    .demandCommand(1, 'name a command')
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(120, io.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs before any handler runs (returning would let it go on).
      throw err ?? new UsageError(msg.replace(/\s*\n\s*/g, ': '));
    });
  cli = withConfigOptions(cli);
  for (const command of COMMANDS) cli = cli.command(command(ctx));
  let help = '';
  try {
    await cli.parseAsync([...argv], {}, (_err, _parsed, output) => {
      help = output;
    });
  } catch (err) {
    const { exitCode, sentence } = sentenceFor(err);
    println(io.stderr, sentence);
    return exitCode;
  }
  if (help) println(io.stdout, help);
  return ctx.exitCode;
}
