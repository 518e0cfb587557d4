/**
 * docs/observability/ holds a Grafana dashboard and Prometheus alert rules over the gateway's
 * metrics: every metric they use must exist in the running gateway's /metrics, so a renamed
 * metric breaks this test instead of a dashboard.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { scrape, type Scrape } from '../helpers/prometheus.js';

interface Dashboard {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { query?: string | { query: string } }[] };
}
interface Rules {
  groups: {
    name: string;
    rules: { alert: string; expr: string; for: string; labels: { severity: string } }[];
  }[];
}

const dashboard = JSON.parse(readFileSync('docs/observability/grafana-dashboard.json', 'utf8')) as Dashboard;
const rules = parse(readFileSync('docs/observability/alerts.yml', 'utf8')) as Rules;

/** Given a PromQL expression, returns the metric names it reads. */
function metricNames(expr: string): string[] {
  // Label values (quoted) and the label lists of by/without/on/ignoring are not metric names.
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b((?:fleetgraph|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
}

/** Given a sample name, returns its family as `# TYPE` declares it (histogram series end in _bucket/_sum/_count). */
function family(name: string, metrics: Scrape): string | undefined {
  if (metrics.types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return ['histogram', 'summary'].includes(metrics.types.get(base) ?? '') ? base : undefined;
}

describe('docs/observability', () => {
  let gw: TestGateway;
  let metrics: Scrape;
  beforeAll(async () => {
    gw = await startTestGateway();
    await gw.query('{ clusters(first: 1) { nodes { name } } }');
    metrics = await scrape(gw.url.replace(/\/graphql$/, '/metrics'));
  });
  afterAll(async () => {
    await gw.stop();
  });

  const dashboardExprs = [
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...dashboard.templating.list.map((v) => (typeof v.query === 'object' ? v.query.query : (v.query ?? ''))),
  ];
  const ruleExprs = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));

  it('has the panels and alerts the issue asks for', () => {
    const used = new Set(dashboardExprs.flatMap(metricNames));
    for (const name of [
      'fleetgraph_graphql_requests_total',
      'fleetgraph_graphql_request_duration_seconds_bucket',
      'fleetgraph_upstream_requests_total',
      'fleetgraph_upstream_request_duration_seconds_bucket',
      'fleetgraph_upstream_breaker_state',
      'fleetgraph_limit_refusals_total',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(
      expect.arrayContaining([
        'FleetgraphVendorErrorRate',
        'FleetgraphBreakerOpen',
        'FleetgraphLatencyP99High',
      ]),
    );
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(rule.labels.severity);
    }
  });

  it.each([
    ['the dashboard', () => dashboardExprs],
    ['the alert rules', () => ruleExprs],
  ])('uses only metrics that exist in /metrics: %s', (_what, exprs) => {
    const names = new Set(exprs().flatMap(metricNames));
    expect(names.size).toBeGreaterThan(3);
    const missing = [...names].filter((name) => family(name, metrics) === undefined);
    expect(missing).toEqual([]);
  });
});
