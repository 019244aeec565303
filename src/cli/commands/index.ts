import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { syncCommand } from './sync.js';

/** Every command of the CLI; each is a factory so it can set the run's exit code. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: ((ctx: CommandContext) => CommandModule<object, any>)[] = [syncCommand];
