import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { graphql } from '../gql';
import type { BatchJobState } from '../gql/graphql';
import { PartialFailure } from '../PartialFailure';
import { PodMetrics } from './PodMetrics';

const NodePoolDetail = graphql(`
  query NodePoolDetail($name: String!, $after: String, $states: [BatchJobState!]) {
    nodePool(name: $name) {
      id
      name
      nodePoolId
      displayName
      state
      cluster {
        id
        name
      }
      pods(first: 10, after: $after) {
        totalCount
        edges {
          cursor
          node {
            id
            podId
            name
            phase
            nodeName
            createdAt
            completedAt
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      batchJobs(first: 10, filter: { states: $states }) {
        totalCount
        nodes {
          id
          displayName
          state
          createdAt
        }
      }
    }
  }
`);

const STATES: BatchJobState[] = [
  'RUNNING',
  'QUEUED',
  'PENDING',
  'CREATING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
];

/** One node pool: its pods (10 at a time, "load more" merged by relayStylePagination) and its batch jobs by state. */
export function NodePoolPage({ name }: { name: string }) {
  const [state, setState] = useState<BatchJobState | ''>('');
  const [podId, setPodId] = useState<string | undefined>();
  const { data, error, loading, fetchMore } = useQuery(NodePoolDetail, {
    variables: { name, states: state ? [state] : null },
    pollInterval: 15_000,
    errorPolicy: 'all',
  });
  const pool = data?.nodePool;
  const pods = pool?.pods;
  return (
    <section>
      <p>
        <a href="#/">← clusters</a>
      </p>
      <h1 data-testid="pool-title">{pool ? `${pool.nodePoolId} · ${pool.cluster?.name ?? ''}` : name}</h1>
      <PartialFailure error={error} />
      {loading && !data && <p>Loading…</p>}
      <div className="columns">
        <article className="card">
          <h2>
            Pods{' '}
            <span className="muted" data-testid="pods-total">
              {pods?.totalCount ?? '–'}
            </span>
          </h2>
          <table>
            <thead>
              <tr>
                <th>pod</th>
                <th>phase</th>
                <th>node</th>
                <th>created</th>
              </tr>
            </thead>
            <tbody>
              {pods?.edges.map(({ node }) => (
                <tr
                  key={node.id}
                  data-testid="pod-row"
                  className={node.id === podId ? 'selected' : undefined}
                >
                  <td>
                    <button className="link" onClick={() => setPodId(node.id)}>
                      {node.name}
                    </button>
                  </td>
                  <td>{node.phase}</td>
                  <td>{node.nodeName ?? '–'}</td>
                  <td>{new Date(node.createdAt).toISOString().slice(0, 16).replace('T', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pods?.pageInfo.hasNextPage && (
            <button
              data-testid="load-more"
              onClick={() => void fetchMore({ variables: { after: pods.pageInfo.endCursor } })}
            >
              Load more
            </button>
          )}
        </article>
        <article className="card">
          <h2>
            Batch jobs{' '}
            <span className="muted" data-testid="jobs-total">
              {pool?.batchJobs?.totalCount ?? '–'}
            </span>
          </h2>
          <label>
            state{' '}
            <select
              data-testid="state-filter"
              value={state}
              onChange={(e) => setState(e.target.value as BatchJobState | '')}
            >
              <option value="">all</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <table>
            <tbody>
              {pool?.batchJobs?.nodes.map((job) => (
                <tr key={job.id} data-testid="job-row">
                  <td>{job.displayName}</td>
                  <td>{job.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      </div>
      {podId && <PodMetrics id={podId} />}
    </section>
  );
}
