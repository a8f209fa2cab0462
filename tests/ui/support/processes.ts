import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'sitesync.js');
const run = promisify(execFile);

/** A `sitesync` child that prints `listening on URL` when ready; stop() sends SIGTERM and waits for the exit. */
export interface ListeningProcess {
  url: string;
  stop(): Promise<void>;
}

async function startListening(args: string[]): Promise<ListeningProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`sitesync ${args.join(' ')} exited ${code} before listening:\n${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `sitesync cloud serve` on 127.0.0.1; pass the port of a stopped cloud to bring it back at the same address. */
export function startCloud(db: string, port = 0): Promise<ListeningProcess> {
  return startListening(['cloud', '--db', db, 'serve', '--host', '127.0.0.1', '--port', String(port)]);
}

/** `sitesync ui`: the browser bridge of the instance in `dataDir`. */
export function startUi(dataDir: string): Promise<ListeningProcess> {
  return startListening(['--data-dir', dataDir, 'ui', '--port', '0']);
}

/** One CLI command with `--json`; its one JSON value. */
export async function cli<T = unknown>(args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [BIN, '--json', ...args]);
  return JSON.parse(stdout) as T;
}
