// A terminal progress bar for long work (quiet when stdout is not a terminal).
import cliProgress from 'cli-progress';

export function bar() {
  const tty = process.stdout.isTTY;
  const b = new cliProgress.SingleBar({ format: '{step} [{bar}] {percentage}% | {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let current = '';
  let lastLog = 0;
  return {
    update(step: string, done: number, total: number) {
      if (!tty) {
        const now = Date.now();
        if (step !== current || done === total || now - lastLog > 2000) {
          console.log(`${step}: ${done}/${total}`);
          lastLog = now;
        }
        current = step;
        return;
      }
      if (step !== current) {
        if (current) b.stop();
        b.start(total, done, { step });
        current = step;
      } else b.update(done, { step });
      if (total !== b.getTotal()) b.setTotal(total);
    },
    stop() {
      if (tty && current) b.stop();
    },
  };
}
