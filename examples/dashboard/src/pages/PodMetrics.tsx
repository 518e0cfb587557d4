import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { PartialFailure } from '../PartialFailure';

const PodWindow = graphql(`
  query PodWindow($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Pod {
        name
        createdAt
        completedAt
      }
    }
  }
`);

const PodGpu = graphql(`
  query PodGpu($id: ID!, $start: DateTime!, $end: DateTime!) {
    node(id: $id) {
      __typename
      id
      ... on Pod {
        metrics(types: [GPU_UTILIZATION], start: $start, end: $end, samples: 24) {
          type
          samples {
            timestamp
            value
          }
        }
      }
    }
  }
`);

const HOUR = 3_600_000;

/** GPU utilization of one pod over its first hours (until it completed), as a line chart. */
export function PodMetrics({ id }: { id: string }) {
  const window = useQuery(PodWindow, { variables: { id }, errorPolicy: 'all' });
  const pod = window.data?.node?.__typename === 'Pod' ? window.data.node : undefined;
  const start = pod?.createdAt;
  const end = pod
    ? (pod.completedAt ?? new Date(Date.parse(pod.createdAt) + 6 * HOUR).toISOString())
    : undefined;
  const metrics = useQuery(PodGpu, {
    variables: { id, start: start ?? '', end: end ?? '' },
    skip: !start || !end,
    errorPolicy: 'all',
  });
  const node = metrics.data?.node;
  const series = node?.__typename === 'Pod' ? node.metrics?.[0] : undefined;
  const values = series?.samples.map((s) => s.value ?? 0) ?? [];
  return (
    <article className="card" data-testid="pod-metrics">
      <h2>GPU utilization · {pod?.name ?? '…'}</h2>
      <PartialFailure error={window.error ?? metrics.error} />
      {values.length > 0 && (
        <>
          <Chart values={values} />
          <p className="muted" data-testid="metrics-summary">
            {values.length} samples from {start} to {end}, peak {Math.max(...values).toFixed(1)} %
          </p>
        </>
      )}
    </article>
  );
}

function Chart({ values }: { values: number[] }) {
  const width = 600;
  const height = 140;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / 100) * height).toFixed(1)}`);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="chart"
      role="img"
      aria-label="GPU utilization, percent"
    >
      <line x1="0" y1={height / 2} x2={width} y2={height / 2} className="grid" />
      <polyline points={points.join(' ')} className="line" data-testid="metrics-line" />
    </svg>
  );
}
