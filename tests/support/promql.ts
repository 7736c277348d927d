// The metric names a PromQL expression selects, found by removing what is not a selector:
// strings, label matchers, range and offset durations, grouping clauses, function calls,
// keywords and numbers. Enough for the expressions in monitoring/ (promtool checks the syntax).
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\(?))/g)) {
    const [name] = match;
    if (match[1] === '(' || KEYWORDS.has(name.toLowerCase())) continue;
    const before = stripped[match.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // a number's exponent or unit
    names.add(name);
  }
  return [...names];
}

/** Grafana's variables replaced by values PromQL accepts. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(?:rate_interval|interval|range)/g, '5m').replace(/\$\{?[A-Za-z_]+\}?/g, '.*');
}
