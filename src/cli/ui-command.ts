import type { Command } from 'commander';
import { startBrowserBridge } from '../app/browser-bridge';
import { DesktopSession } from '../app/desktop-session';
import { builtRendererDir, defaultDataDir } from '../app/paths';
import { parsePort } from './port-option';

/** Resolves on Ctrl-C or a service manager's stop. */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * `sitesync ui`: the desktop app's renderer in a browser, for machines with
 * no Electron (headless PCs, CI). Prints `listening on URL` (secret
 * included) once ready and runs the sync workers until SIGINT or SIGTERM.
 */
export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description('serve the desktop UI to a browser on this PC (127.0.0.1, secret URL)')
    .option('--port <port>', 'port (0: any free one)', parsePort, 0)
    .action(async function (this: Command) {
      const options = this.optsWithGlobals<{ dataDir?: string; port: number }>();
      const rendererDir = builtRendererDir();
      if (!rendererDir) throw new Error('the renderer is not built: run `npm run build` first');
      const log = (message: string) => process.stderr.write(`${message}\n`);
      const session = await DesktopSession.open({ dataDir: options.dataDir ?? defaultDataDir(), log });
      try {
        const bridge = await startBrowserBridge({ session, rendererDir, port: options.port, log });
        process.stdout.write(`listening on ${bridge.url}\n`);
        await untilSignalled();
        await bridge.close();
      } finally {
        await session.close();
      }
    });
}
