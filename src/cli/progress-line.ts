import type { SyncProgress } from '../sync/sync-context';

/** How long a sync may go without news before the line says it waits for the cloud. */
const QUIET_MS = 2000;

const CLEAR_LINE = '\r\x1b[2K';

/**
 * One line on an interactive terminal (stderr) while `sitesync sync` runs:
 * the phase and how far it got, rewritten in place, and "waiting for the
 * cloud" once nothing has moved for two seconds, so a person at a slow or
 * silent cloud sees why. Gone before the result prints; never used under
 * --json or when stderr is not a terminal.
 */
export class ProgressLine {
  private progress = '';
  private shown = false;
  private quiet: NodeJS.Timeout;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly cloudUrl: string,
  ) {
    this.quiet = this.noticeWhenQuiet();
  }

  readonly update = (progress: SyncProgress): void => {
    clearTimeout(this.quiet);
    const total = progress.total === null ? '' : ` of ${progress.total.toLocaleString('en')}`;
    this.progress = `${progress.phase}: ${progress.done.toLocaleString('en')}${total}`;
    this.show(this.progress);
    this.quiet = this.noticeWhenQuiet();
  };

  end(): void {
    clearTimeout(this.quiet);
    if (this.shown) this.stream.write(CLEAR_LINE);
  }

  private noticeWhenQuiet(): NodeJS.Timeout {
    const waiting = `waiting for the cloud at ${this.cloudUrl}…`;
    const timer = setTimeout(() => this.show(this.progress ? `${this.progress}, ${waiting}` : waiting), QUIET_MS);
    timer.unref();
    return timer;
  }

  private show(text: string): void {
    this.shown = true;
    // Cut to the terminal's width: a line that wrapped could not be cleared in place.
    const columns = (this.stream as { columns?: number }).columns;
    this.stream.write(`${CLEAR_LINE}${columns ? text.slice(0, columns - 1) : text}`);
  }
}
