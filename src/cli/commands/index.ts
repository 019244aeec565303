import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { syncCommand } from './sync.js';
import { completionCommand } from './completion.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { listCommand } from './list.js';
import { searchCommand } from './search.js';
import { serveCommand } from './serve.js';
import { showCommand } from './show.js';
import { statusCommand } from './status.js';
import { watchCommand } from './watch.js';

/** Every command of the CLI; each is a factory so it can set the run's exit code. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: ((ctx: CommandContext) => CommandModule<object, any>)[] = [
  syncCommand,
  listCommand,
  showCommand,
  searchCommand,
  exportCommand,
  importCommand,
  statusCommand,
  watchCommand,
  serveCommand,
  completionCommand,
];
