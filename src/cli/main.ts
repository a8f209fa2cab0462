import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../app/version';
import { registerCloudCommands } from './cloud-commands';
import { registerLocalCommands } from './local-commands';
import { registerUiCommand } from './ui-command';
import { EXIT_FAILED, EXIT_USAGE, UsageError, printError } from './output';

/**
 * The command tree. Under --json, what commander prints itself keeps the
 * promise of one JSON value: help and the version as a JSON string on
 * stdout, and a usage error as `{ error }` on stderr (main), not as text.
 */
export function buildProgram(json = false): Command {
  const program = new Command('sitesync')
    .description('SiteSync: an offline-first network device inventory that syncs with a cloud')
    .version(APP_VERSION)
    .option('--data-dir <dir>', 'the instance data folder (default: $SITESYNC_DATA_DIR, else the desktop app folder)')
    .option('--json', 'print exactly one JSON value on stdout')
    .showHelpAfterError(!json)
    .configureOutput({
      writeOut: (text) => process.stdout.write(json ? `${JSON.stringify(text.trimEnd())}\n` : text),
      // Help shown for a command group named alone goes to stderr; under --json, main prints the error instead.
      writeErr: (text) => (json ? undefined : process.stderr.write(text)),
      outputError: (text, write) => (json ? undefined : write(text)),
    })
    .exitOverride();
  registerLocalCommands(program);
  registerCloudCommands(program);
  registerUiCommand(program);
  // Subcommands inherit the parent's error handling, so a usage error anywhere exits 2.
  program.commands.forEach(function inherit(command) {
    command.exitOverride().showHelpAfterError(!json).configureOutput(program.configureOutput());
    command.commands.forEach(inherit);
  });
  return program;
}

/** Runs the CLI; resolves with the exit status of CONTRACT.md. */
export async function main(argv: string[]): Promise<number> {
  // Read before parsing: a usage error stops the parse before commander has seen the option.
  const json = argv.slice(2).includes('--json');
  const program = buildProgram(json);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      if (error.exitCode === 0) return 0;
      // A command group named alone (`sitesync device`) "fails" with its help.
      const message = error.code === 'commander.help' ? 'expected a subcommand; `--help` lists them' : error.message.replace(/^error: /, '');
      if (json) printError(true, new UsageError(message));
      return EXIT_USAGE;
    }
    printError(json, error);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  }
}
