// monitoring/ is tested: promtool checks the rules and runs their unit tests (series fed in,
// alerts asserted), every Grafana query parses as PromQL, and every metric a rule or a
// dashboard selects exists in a live /metrics, the transparency log's included.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { metricNames, withoutGrafanaVariables } from '../support/promql';

const RULES = 'monitoring/rules';
const RULE_TESTS = 'monitoring/tests';
const DASHBOARDS = 'monitoring/grafana';
/** Series Prometheus makes itself. */
const PROMETHEUS_SERIES = ['up', 'ALERTS'];

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`promtool is needed for these tests (Debian: apt-get install -y prometheus): ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const files = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}

/** The rules' names and expressions, read from the rule files (flat YAML; promtool checks them in full). */
function rules(): Rule[] {
  const out: Rule[] = [];
  for (const file of files(RULES, '.yml')) {
    // The rule files are flat YAML: "- record: name" / "- alert: name" followed by "expr:" (inline or a | block).
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const head = /^\s*- (record|alert): (\S+)/.exec(lines[i]!);
      if (!head) continue;
      const exprLine = lines.slice(i + 1).findIndex((l) => /^\s*expr:/.test(l)) + i + 1;
      const inline = /^\s*expr: (?!\|)(.+)$/.exec(lines[exprLine]!);
      let expr = inline?.[1] ?? '';
      if (!inline) {
        const indent = lines[exprLine + 1]!.search(/\S/);
        for (let j = exprLine + 1; j < lines.length && (lines[j]!.trim() === '' || lines[j]!.search(/\S/) >= indent); j++) expr += `${lines[j]!.trim()} `;
      }
      out.push({ [head[1]!]: head[2]!, expr: expr.trim() });
    }
  }
  return out;
}

function dashboardQueries(): { dashboard: string; panel: string; expr: string }[] {
  return files(DASHBOARDS, '.json').flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(file, 'utf8'));
    const panels = dashboard.panels.flatMap((p: { title: string; targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => ({ dashboard: dashboard.title, panel: p.title, expr: t.expr })));
    // label_values(selector, label) is Grafana's: its selector is the PromQL.
    const variables = dashboard.templating.list
      .filter((v: { type: string }) => v.type === 'query')
      .map((v: { name: string; definition: string }) => ({ dashboard: dashboard.title, panel: `$${v.name}`, expr: v.definition.replace(/^label_values\((.+), \w+\)$/, '$1') }));
    return [...panels, ...variables];
  });
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('monitoring/', () => {
  it('has rules, and a Prometheus configuration loading them, that promtool accepts', () => {
    for (const file of files(RULES, '.yml')) {
      const { ok, output } = promtool('check', 'rules', file);
      expect(ok, output).toBe(true);
    }
    const { ok, output } = promtool('check', 'config', 'monitoring/prometheus.yml');
    expect(ok, output).toBe(true);
    expect(output).toMatch(/SUCCESS: [1-9]\d* rules found/);
  });

  it('passes the rule unit tests: each alert fires on its series and stays quiet otherwise', () => {
    const tests = files(RULE_TESTS, '.yml');
    expect(tests.length).toBeGreaterThan(0);
    const { ok, output } = promtool('test', 'rules', ...tests);
    expect(ok, output).toBe(true);
    // Every alert is exercised by at least one test.
    const tested = new Set(tests.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/alertname: (\S+)/g)].map((m) => m[1])));
    for (const rule of rules().filter((r) => r.alert)) expect(tested, rule.alert).toContain(rule.alert);
  }, 240_000);

  it('has dashboards whose every query parses as PromQL', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    // promtool checks expressions by way of a rules file.
    const dir = mkdtempSync(path.join(tmpdir(), 'signet-dashboards-'));
    const file = path.join(dir, 'queries.yml');
    const body = queries
      .map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(withoutGrafanaVariables(q.expr))}`)
      .join('\n');
    writeFileSync(file, `groups:\n  - name: dashboards\n    rules:\n${body}\n`);
    const { ok, output } = promtool('check', 'rules', file);
    expect(ok, output).toBe(true);
  });

  it('uses only metrics that a live /metrics exports (or recording rules define)', async () => {
    const exposition = await (await fetch(`${api.url}/metrics`)).text();
    const exported = new Set<string>();
    for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name!);
      if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_count', '_sum']) exported.add(`${name}${suffix}`);
    }
    const allRules = rules();
    const recorded = new Set(allRules.flatMap((r) => (r.record ? [r.record] : [])));
    const known = (name: string) => exported.has(name) || recorded.has(name) || PROMETHEUS_SERIES.includes(name);

    const uses = [...allRules.map((r) => ({ where: r.record ?? r.alert!, expr: r.expr })), ...dashboardQueries().map((q) => ({ where: `${q.dashboard} / ${q.panel}`, expr: q.expr }))];
    const used = new Set<string>();
    for (const { where, expr } of uses) {
      for (const name of metricNames(withoutGrafanaVariables(expr))) {
        used.add(name);
        expect(known(name), `${where} uses ${name}`).toBe(true);
      }
    }
    // The check saw the metrics it is about (it cannot pass by finding nothing).
    for (const name of ['signet_http_requests_total', 'signet_exchange_duration_seconds_bucket', 'signet_denied_total', 'signet_billing_outbox_oldest_pending_timestamp_seconds', 'signet_billing_batches_total', 'signet:http_errors:ratio_rate1h', 'signet_log_integration_seconds_bucket', 'signet_log_witness_cosignatures_total']) {
      expect(used, name).toContain(name);
    }
  });

  it('finds selectors, not functions, labels or keywords', () => {
    expect(metricNames('sum by (le, phase) (rate(signet_a_bucket{phase="x",le="0.04"}[5m])) / on(job) group_left sum(signet_b) > 1e3 and up == 0').sort()).toEqual(['signet_a_bucket', 'signet_b', 'up']);
    expect(metricNames('time() - min(signet_c > 0) offset 5m')).toEqual(['signet_c']);
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/promtool/);
  });
});
