/**
 * Loaded (`--import`) into every process the bench spawns: if the bench that started it is gone
 * (killed without a chance to stop its children), the process ends itself, so no server is left
 * holding a bench port. One unref'd timer per second; nothing else.
 */
const parent = Number(process.env.BENCH_PARENT_PID);
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(1);
    }
  }, 1000).unref();
}
