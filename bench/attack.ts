/**
 * The validation attack of issue 9 (finding 3) as a bench phase: a 20 KB document of 350
 * fragments each spreading `clusters { totalCount }`, with a random comment per request so no
 * document cache helps, sent by one attacker about 5 times a second while the other clients load
 * the gateway. Reports the gateway's CPU per attacker request against a normal request's, and the
 * others' throughput and p99 with and without the attacker.
 */
import { cpuMs } from './processes.js';

/** The attack document, with `comment` in front to make every request's text unique. */
export function fragmentBomb(comment: string, fragments = 350): string {
  const spreads = Array.from({ length: fragments }, (_, i) => `...F${i}`).join(' ');
  const definitions = Array.from(
    { length: fragments },
    (_, i) => `fragment F${i} on Query { clusters { totalCount } }`,
  );
  return `# ${comment}\n{ ${spreads} }\n${definitions.join('\n')}`;
}

/** What the attack phase measured. */
export interface AttackReport {
  normalCpuMs: number;
  attackCpuMs: number;
  alone: { rps: number; p99: number };
  attacked: { rps: number; p99: number; attackerRequests: number };
}

/**
 * Runs the phase: `normal` (one request of the others, solo, `samples` times) and the attack
 * (solo, `samples` times) for CPU per request on `pid`, then `others` alone and under attack.
 */
export async function measureAttack(
  url: string,
  pid: number,
  normalQuery: string,
  others: () => Promise<{ rps: number; p99: number }>,
  samples = 20,
): Promise<AttackReport> {
  const send = (query: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }).then((r) => r.text());
  const cpuPerRequest = async (make: (i: number) => string) => {
    for (let i = 0; i < 3; i++) await send(make(-i - 1));
    const before = cpuMs(pid);
    for (let i = 0; i < samples; i++) await send(make(i));
    return (cpuMs(pid) - before) / samples;
  };
  const normalCpuMs = await cpuPerRequest(() => normalQuery);
  const attackCpuMs = await cpuPerRequest((i) => fragmentBomb(`${i} ${Math.random()}`));
  const alone = await others();
  let attacking = true;
  let attackerRequests = 0;
  const attacker = (async () => {
    while (attacking) {
      await send(fragmentBomb(String(Math.random())));
      attackerRequests++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const attacked = await others();
  attacking = false;
  await attacker;
  return { normalCpuMs, attackCpuMs, alone, attacked: { ...attacked, attackerRequests } };
}
