/**
 * A one-line progress bar on stderr (stdout stays for results). On a terminal it redraws in place; elsewhere
 * (CI logs, pipes) it prints a line only when the percentage moves by 10 points, so logs stay short.
 */
export interface ProgressSnapshot {
  done: number;
  failed: number;
  total: number;
  running?: number;
  label?: string;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastLoggedDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(s: ProgressSnapshot): void {
    const total = Math.max(s.total, 0);
    const finished = s.done + s.failed;
    const ratio = total > 0 ? Math.min(finished / total, 1) : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? finished / elapsed : 0;
    const eta = rate > 0 && total > finished ? (total - finished) / rate : 0;
    const filled = Math.round(ratio * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    const line =
      `${s.label ?? 'segmenting'} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ` +
      `${finished}/${total || '?'} images` +
      (s.failed ? `, ${s.failed} failed` : '') +
      ` · ${rate.toFixed(1)} img/s` +
      (eta > 0 ? ` · ETA ${eta.toFixed(0)}s` : '');
    if (this.tty) {
      this.stream.write(`\r${line}\x1b[K`);
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile > this.lastLoggedDecile) {
      this.lastLoggedDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }

  finish(message: string): void {
    this.stream.write(`${this.tty ? '\r\x1b[K' : ''}${message}\n`);
  }
}
