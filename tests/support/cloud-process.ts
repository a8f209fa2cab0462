import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(__dirname, '..', '..', 'bin', 'sitesync.js');

export interface CloudProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote on stderr (its pino log lines) so far. */
  stderr(): string;
  /** Resolves with the first JSON log line that `matches`, as soon as the process writes it. */
  waitForLog(matches: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** SIGTERM, then waits for the exit: the server finishes what is in flight first. */
  stop(): Promise<number | null>;
}

/**
 * The real `sitesync cloud serve` (the build of src/) in its own process on
 * 127.0.0.1 and a free port; resolves once it prints `listening on`.
 */
export async function startCloudProcess(db: string, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<CloudProcess> {
  const child = spawn(process.execPath, [BIN, 'cloud', '--db', db, 'serve', '--port', '0', ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const logEntries = () =>
    stderr.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const exited = once(child, 'exit');
  let url = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    if (match) {
      url = match[1];
      break;
    }
  }
  if (!url) throw new Error(`cloud serve exited before listening: ${stderr}`);
  return {
    url,
    child,
    stderr: () => stderr,
    async waitForLog(matches) {
      for (;;) {
        const data = once(child.stderr!, 'data');
        const found = logEntries().find(matches);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`cloud serve exited without that log line: ${stderr}`);
        await Promise.race([data, exited]);
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
