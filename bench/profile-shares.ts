/**
 * Reads a V8 CPU profile (`--cpu-prof`) and attributes its self time to the observability code:
 * the OpenTelemetry packages, prom-client, src/observability/, and the garbage collector. A share
 * of one process's own samples does not move with the load other processes put on the machine,
 * unlike a ratio between two processes' CPU times.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per category, as a share of the busy (non-idle) time of process `pid`'s main-thread profile in `dir`. */
export function profileShares(dir: string, pid: number): Record<string, number> {
  // Node names a profile CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile.
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile') && name.split('.')[3] === String(pid))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error(`no .cpuprofile of process ${pid} in ${dir}`);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const category = new Map(profile.nodes.map((node) => [node.id, categoryOf(node.callFrame)]));
  const time: Record<string, number> = {};
  profile.samples.forEach((id, i) => {
    const name = category.get(id) ?? 'rest';
    time[name] = (time[name] ?? 0) + (profile.timeDeltas[i] ?? 0);
  });
  const busy = Object.entries(time).reduce((n, [name, t]) => (name === 'idle' ? n : n + t), 0);
  return Object.fromEntries(
    Object.entries(time)
      .filter(([name]) => name !== 'idle' && name !== 'rest')
      .map(([name, t]) => [name, t / busy]),
  );
}

function categoryOf(frame: { functionName: string; url: string }): string {
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(garbage collector)') return 'garbage collector (all code)';
  if (frame.url.includes('/@opentelemetry/')) return 'OpenTelemetry SDK and exporter';
  if (frame.url.includes('/prom-client/')) return 'prom-client';
  if (frame.url.includes('/src/observability/')) return 'src/observability';
  return 'rest';
}
