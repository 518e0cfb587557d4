/**
 * Fireworks resource names (`accounts/{a}/clusters/{c}`, `.../nodePools/{p}`, `.../batchJobs/{id}`),
 * parsed and validated before anything reaches an upstream URL or filter.
 */
import { badUserInput } from '../../errors.js';

const SEGMENT = '[A-Za-z0-9][A-Za-z0-9._-]{0,127}';
const SEGMENT_RE = new RegExp(`^${SEGMENT}$`);
const CLUSTER_RE = new RegExp(`^accounts/(${SEGMENT})/clusters/(${SEGMENT})$`);
const CHILD_RE = new RegExp(
  `^accounts/(${SEGMENT})/clusters/(${SEGMENT})/(nodePools|batchJobs)/(${SEGMENT})$`,
);

const NATURAL_CHILD_RE = new RegExp(`^(${SEGMENT})/(${SEGMENT})$`);

/** A parsed resource name. */
export interface ResourceName {
  account: string;
  cluster: string;
  /** For node pools and batch jobs: their short id. */
  id?: string;
}

/** Given a short id, returns whether it can be a Fireworks id segment. */
export function isResourceId(id: string): boolean {
  return SEGMENT_RE.test(id);
}

/** Given a cluster resource name or short id, returns it parsed, or throws BAD_USER_INPUT. */
export function parseClusterName(name: string, accountId: string): ResourceName {
  if (SEGMENT_RE.test(name)) return { account: accountId, cluster: name };
  const m = CLUSTER_RE.exec(name);
  if (!m) {
    throw badUserInput(
      `"${clip(name)}" is not a cluster name: expected accounts/{account}/clusters/{cluster} or a cluster id.`,
      { argument: 'name' },
    );
  }
  return { account: m[1] as string, cluster: m[2] as string };
}

/**
 * Given a node pool or batch job resource name, returns it parsed, or throws BAD_USER_INPUT.
 * With `accountId`, the natural key `{cluster id}/{id}` is accepted too, as `cluster(name:)`
 * accepts a cluster id: the short id alone is only unique within its cluster.
 */
export function parseChildName(
  name: string,
  kind: 'nodePools' | 'batchJobs',
  accountId?: string,
): ResourceName {
  const natural = accountId === undefined ? null : NATURAL_CHILD_RE.exec(name);
  if (natural)
    return { account: accountId as string, cluster: natural[1] as string, id: natural[2] as string };
  const m = CHILD_RE.exec(name);
  if (!m || m[3] !== kind) {
    throw badUserInput(
      `"${clip(name)}" is not a ${kind === 'nodePools' ? 'node pool' : 'batch job'} name: expected ` +
        `accounts/{account}/clusters/{cluster}/${kind}/{id}` +
        (accountId === undefined ? '.' : ' or {cluster id}/{id}.'),
      { argument: 'name' },
    );
  }
  return { account: m[1] as string, cluster: m[2] as string, id: m[4] as string };
}

/** Returns `accounts/{a}/clusters/{c}`. */
export function clusterName(account: string, cluster: string): string {
  return `accounts/${account}/clusters/${cluster}`;
}

/** Returns `accounts/{a}/clusters/{c}/{kind}/{id}`. */
export function childName(parsed: ResourceName, kind: 'nodePools' | 'batchJobs'): string {
  return `${clusterName(parsed.account, parsed.cluster)}/${kind}/${parsed.id ?? ''}`;
}

/** Given a node pool or batch job name, returns its cluster's name. */
export function parentClusterName(name: string): string {
  return name.split('/').slice(0, 4).join('/');
}

/** Given a resource name, returns its last segment (its short id). */
export function shortId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
