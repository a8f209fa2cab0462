import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../app/version';
import { registerCloudCommands } from './cloud-commands';
import { registerLocalCommands } from './local-commands';
import { registerUiCommand } from './ui-command';
import { describeError } from '../app/describe-error';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './output';

export function buildProgram(): Command {
  const program = new Command('sitesync')
    .description('SiteSync: an offline-first network device inventory that syncs with a cloud')
    .version(APP_VERSION)
    .option('--data-dir <dir>', 'the instance data folder (default: $SITESYNC_DATA_DIR, else the desktop app folder)')
    .option('--json', 'print exactly one JSON value on stdout')
    .showHelpAfterError()
    .exitOverride();
  registerLocalCommands(program);
  registerCloudCommands(program);
  registerUiCommand(program);
  // Subcommands inherit the parent's error handling, so a usage error anywhere exits 2.
  program.commands.forEach(function inherit(command) {
    command.exitOverride().showHelpAfterError();
    command.commands.forEach(inherit);
  });
  return program;
}

/** Runs the CLI; resolves with the exit status of CONTRACT.md. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const described = describeError(error);
    const json = program.opts().json || argv.includes('--json');
    process.stderr.write(json ? `${JSON.stringify({ error: described })}\n` : `error: ${described.message}\n`);
    return EXIT_FAILED;
  }
}
