import { useQuery } from '@apollo/client/react';
import { poolHref } from '../App';
import { graphql } from '../gql';
import { PartialFailure } from '../PartialFailure';

const FleetOverview = graphql(`
  query FleetOverview {
    clusters(first: 10) {
      totalCount
      nodes {
        id
        name
        displayName
        state
        nodePools(first: 20) {
          totalCount
          nodes {
            id
            name
            nodePoolId
            displayName
            state
            stats {
              nodeCount
            }
            batchJobs(first: 0) {
              totalCount
            }
            pods(first: 0) {
              totalCount
            }
          }
        }
      }
    }
  }
`);

/** The clusters with their node pools and counts (Fireworks and Run:ai in one query). */
export function Overview() {
  const { data, error, loading } = useQuery(FleetOverview, { pollInterval: 15_000, errorPolicy: 'all' });
  return (
    <section>
      <h1>Clusters</h1>
      <PartialFailure error={error} />
      {loading && !data && <p>Loading…</p>}
      {data?.clusters && <p className="muted">{data.clusters.totalCount} clusters</p>}
      {data?.clusters?.nodes.map((cluster) => (
        <article key={cluster.id} className="card" data-testid="cluster">
          <h2>
            <span data-testid="cluster-name">{cluster.displayName ?? cluster.name}</span>{' '}
            <span className={`state state-${cluster.state ?? 'unknown'}`}>{cluster.state}</span>
          </h2>
          <p className="muted">{cluster.name}</p>
          <table>
            <thead>
              <tr>
                <th>node pool</th>
                <th>state</th>
                <th>nodes</th>
                <th>batch jobs</th>
                <th>pods</th>
              </tr>
            </thead>
            <tbody>
              {cluster.nodePools?.nodes.map((pool) => (
                <tr key={pool.id} data-testid="node-pool-row">
                  <td>
                    <a href={poolHref(pool.name)}>{pool.nodePoolId}</a>
                  </td>
                  <td>{pool.state}</td>
                  <td>{pool.stats?.nodeCount ?? '–'}</td>
                  <td data-testid="batch-job-count">{pool.batchJobs?.totalCount ?? '–'}</td>
                  <td data-testid="pod-count">{pool.pods?.totalCount ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
