import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { WarmPoolsByProjectQuery } from '../gql/graphql';
import { PartialFailure } from '../PartialFailure';

const WarmPoolsByProject = graphql(`
  query WarmPoolsByProject {
    warmPools(first: 100) {
      totalCount
      nodes {
        id
        warmPoolId
        projectId
        environmentClassId
        spec {
          minSize
          maxSize
        }
        status {
          phase
          runningInstances
        }
      }
    }
  }
`);

type WarmPool = NonNullable<WarmPoolsByProjectQuery['warmPools']>['nodes'][number];

/** Gitpod warm pools grouped by project, with their phase and running instances. */
export function WarmPools() {
  const { data, error, loading } = useQuery(WarmPoolsByProject, { pollInterval: 15_000, errorPolicy: 'all' });
  const byProject = new Map<string, WarmPool[]>();
  for (const pool of data?.warmPools?.nodes ?? []) {
    const key = pool.projectId ?? '(no project)';
    byProject.set(key, [...(byProject.get(key) ?? []), pool]);
  }
  return (
    <section>
      <h1>Warm pools</h1>
      <PartialFailure error={error} />
      {loading && !data && <p>Loading…</p>}
      {data?.warmPools && (
        <p className="muted">
          {data.warmPools.totalCount} warm pools in {byProject.size} projects (first 100 shown)
        </p>
      )}
      {[...byProject].map(([project, pools]) => (
        <article key={project} className="card" data-testid="project">
          <h2>project {project}</h2>
          <table>
            <tbody>
              {pools.map((pool) => (
                <tr key={pool.id}>
                  <td>{pool.warmPoolId}</td>
                  <td>{pool.status?.phase}</td>
                  <td>
                    {pool.status?.runningInstances ?? 0} running (min {pool.spec?.minSize ?? 0}, max{' '}
                    {pool.spec?.maxSize ?? 0})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
