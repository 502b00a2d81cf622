// A one-line progress bar on stderr for long CLI work; silent when stderr is not a terminal, so
// piped and scripted runs stay clean.
export interface Progress {
  update(done: number, total?: number): void;
  done(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  const draw = (done: number, total?: number) => {
    const width = 30;
    if (total && total > 0) {
      const ratio = Math.min(1, done / total);
      const filled = Math.round(ratio * width);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}`,
      );
    } else {
      stream.write(`\r${label} ${done.toLocaleString('en-US')}`);
    }
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done, total);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
