/**
 * The moving part of the shared world: a simulated clock and the changes the vendor simulators
 * apply to their own records, so the gateway's live subscriptions have something to observe.
 *
 * Contract:
 * - A still world is the default: nothing changes until `/_sim/mutate`, `/_sim/evolve` or the
 *   `SIM_EVOLVE_MS` timer asks, so the generated data sets stay byte-identical until then.
 * - Every change advances the simulated clock by one second from `epoch + 60 days` (after every
 *   generated timestamp), and the changed object's update time is that clock: update times are
 *   strictly increasing and a pure function of the sequence of changes.
 * - `evolve(n)` takes n steps; step k of vendor v draws from `world.prng("evolve:v:k")`, so the
 *   same seed and the same number of steps always give the same world.
 * - Each vendor simulator registers the kinds it owns (`batchJob`, `nodePool`: Fireworks; `pod`:
 *   Run:ai; `warmPool`: Gitpod) and edits its records in place: every endpoint that shows the
 *   object serves the change from then on. `version` counts changes, for caches to notice.
 */
import type { Prng } from './prng.js';

/** The kinds of object a change can name, as `/_sim/mutate` spells them. */
export const MUTABLE_KINDS = ['batchJob', 'pod', 'nodePool', 'warmPool'] as const;
/** One of the kinds `/_sim/mutate` accepts. */
export type MutableKind = (typeof MUTABLE_KINDS)[number];

/** One change applied to the world, as `/_sim/mutate` and `/_sim/evolve` report it. */
export interface AppliedChange {
  kind: MutableKind;
  /** The object's key: a Fireworks resource name, a Run:ai pod id or a Gitpod warm pool id. */
  id: string;
  /** The fields set, in the vocabulary of `/_sim/mutate`. */
  set: Record<string, unknown>;
  /** The object's new update time (RFC 3339). */
  updateTime: string;
}

/** What a vendor simulator contributes to the world's motion. */
export interface VendorMotion {
  kinds: readonly MutableKind[];
  /** Applies one change at `at`; throws MotionError for an unknown object or a bad value. */
  mutate(kind: MutableKind, id: string, set: Record<string, unknown>, at: string): AppliedChange;
  /** One evolution step at `at`: the changes it made (possibly none). */
  evolve(prng: Prng, at: () => string): AppliedChange[];
}

/** A refused change; `status` is the HTTP status `/_sim/` answers with. */
export class MotionError extends Error {
  override name = 'MotionError';
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const DAY = 86_400_000;
/** The most steps one `/_sim/evolve` call takes. */
export const MAX_EVOLVE_STEPS = 10_000;

/** The simulated clock and the registered vendor motions of one world. */
export class WorldMotion {
  /** Changes applied so far; a cache over records is stale once it differs. */
  version = 0;
  /** Evolution steps taken so far. */
  steps = 0;
  private clock: number;
  private readonly vendors: { name: string; motion: VendorMotion }[] = [];

  constructor(
    epoch: Date,
    private readonly prng: (salt: string) => Prng,
  ) {
    this.clock = epoch.getTime() + 60 * DAY;
  }

  /** Registers a vendor's records (called once by each simulator factory). */
  register(name: string, motion: VendorMotion): void {
    this.vendors.push({ name, motion });
  }

  /** Applies `{"<kind>": "<id>", "set": {...}}`; throws MotionError when it cannot. */
  mutate(body: unknown): AppliedChange {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new MotionError(400, 'expected {"<kind>": "<id>", "set": {...}}');
    }
    const record = body as Record<string, unknown>;
    const kinds = MUTABLE_KINDS.filter((k) => k in record);
    const extra = Object.keys(record).filter(
      (k) => k !== 'set' && !(MUTABLE_KINDS as readonly string[]).includes(k),
    );
    if (kinds.length !== 1 || extra.length > 0) {
      throw new MotionError(400, `name exactly one of ${MUTABLE_KINDS.join(', ')} and a "set" object`);
    }
    const kind = kinds[0] as MutableKind;
    const id = record[kind];
    const set = record.set;
    if (typeof id !== 'string' || id === '')
      throw new MotionError(400, `"${kind}" must be a non-empty string`);
    if (typeof set !== 'object' || set === null || Array.isArray(set) || Object.keys(set).length === 0) {
      throw new MotionError(400, '"set" must be an object with at least one field');
    }
    const owner = this.vendors.find((v) => v.motion.kinds.includes(kind));
    if (!owner) throw new MotionError(404, `no simulator of this world serves ${kind} objects`);
    const change = owner.motion.mutate(kind, id, set as Record<string, unknown>, this.tick());
    this.version++;
    return change;
  }

  /** Takes `steps` evolution steps; returns every change made, in order. */
  evolve(steps: number): AppliedChange[] {
    if (!Number.isInteger(steps) || steps < 1 || steps > MAX_EVOLVE_STEPS) {
      throw new MotionError(400, `"steps" must be an integer from 1 to ${MAX_EVOLVE_STEPS}`);
    }
    const changes: AppliedChange[] = [];
    for (let i = 0; i < steps; i++) {
      const step = this.steps++;
      for (const { name, motion } of this.vendors) {
        changes.push(...motion.evolve(this.prng(`evolve:${name}:${step}`), () => this.tick()));
      }
    }
    if (changes.length > 0) this.version++;
    return changes;
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace('.000Z', 'Z');
  }
}
