import Link from 'next/link';
import { formatCount } from '@/components/format';
import { Card, PageHeader } from '@/components/ui';
import { usdCents } from '@/components/usd';
import { requireAdmin } from '@/lib/guards';
import { loadKpis } from '@/server/kpis/repository';
import { KpiCharts, type ChartMonth } from './kpi-charts';

export const metadata = { title: 'KPIs' };

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const msText = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} ms`);
const PERIODS = [3, 6, 12] as const;

function Stat({ label, value, note, ok }: { label: string; value: string; note?: string; ok?: boolean | null }) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900 dark:text-slate-100">{value}</dd>
      {note && (
        <dd className={`mt-1 text-xs ${ok === false ? 'text-red-700 dark:text-red-300' : ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-slate-600 dark:text-slate-400'}`}>
          {ok === false ? '✗ ' : ok ? '✓ ' : ''}
          {note}
        </dd>
      )}
    </div>
  );
}

export default async function KpisPage({ searchParams }: { searchParams: Promise<{ months?: string }> }) {
  await requireAdmin();
  const requested = Number((await searchParams).months);
  const count = (PERIODS as readonly number[]).includes(requested) ? requested : 6;
  const months = await loadKpis(new Date(), count);
  const current = months.at(-1)!;
  const t = current.technical;
  const b = current.business;
  const codes = [...new Set(months.flatMap((m) => Object.keys(m.technical.refusalsByCode)))].sort();
  const chart: ChartMonth[] = months.map((m) => ({
    month: m.month,
    successWithoutFallback: m.technical.successWithoutFallback === null ? null : m.technical.successWithoutFallback * 100,
    fallbackRate: m.technical.fallbackRate === null ? null : m.technical.fallbackRate * 100,
    p50: m.technical.addedLatencyP50Ms,
    p95: m.technical.addedLatencyP95Ms,
    mrr: Number(m.business.mrrCents) / 100,
    expansion: Number(m.business.expansionCents) / 100,
    contraction: -Number(m.business.contractionCents) / 100,
    overage: Number(m.business.overageCents) / 100,
    vex: Number(m.business.vex),
  }));

  return (
    <>
      <PageHeader
        title="KPIs"
        description="The guide's success metrics per UTC calendar month, computed from stored rows (request log, export fetches, usage ledger, audit trail, plans and reserved contracts), never from counters that reset."
        actions={
          <nav aria-label="Period" className="flex gap-1">
            {PERIODS.map((n) => (
              <Link
                key={n}
                href={`/admin/kpis?months=${n}`}
                aria-current={n === count ? 'page' : undefined}
                className={`rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ${n === count ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-800 ring-slate-300 hover:bg-slate-50 dark:hover:bg-slate-800 dark:bg-slate-900 dark:text-slate-200 dark:ring-slate-600'}`}
              >
                {n} months
              </Link>
            ))}
          </nav>
        }
      />
      <h2 className="mb-2 text-sm font-semibold text-slate-900 dark:text-slate-100">This month ({current.month}, so far)</h2>
      <dl className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Success without fallback" value={pct(t.successWithoutFallback)} note="target > 97 %" ok={t.successWithoutFallback === null ? null : t.successWithoutFallback > 0.97} />
        <Stat label="Fallback rate" value={pct(t.fallbackRate)} note="target < 3 %" ok={t.fallbackRate === null ? null : t.fallbackRate < 0.03} />
        <Stat label="Added latency p50 / p95" value={`${msText(t.addedLatencyP50Ms)} / ${msText(t.addedLatencyP95Ms)}`} note="target p95 ≤ 40 ms" ok={t.addedLatencyP95Ms === null ? null : t.addedLatencyP95Ms <= 40} />
        <Stat label="Tenants verifying with signet-verify" value={pct(t.verifyingShare)} note={`${t.verifyingTenants} of ${t.activeTenants} active tenants`} />
        <Stat label="MRR" value={usdCents(b.mrrCents)} note="plans + reserved contracts" />
        <Stat label="VEx this month" value={formatCount(b.vex)} note={b.vexGrowth === null ? 'no usage the month before' : `${b.vexGrowth >= 0 ? '+' : ''}${(b.vexGrowth * 100).toFixed(1)} % on last month`} />
        <Stat label="Expansion / contraction" value={`${usdCents(b.expansionCents)} / ${usdCents(b.contractionCents)}`} note="monthly fees gained / lost by plan changes" />
        <Stat label="Overage revenue" value={usdCents(b.overageCents)} note="each tenant's current terms over its month of usage" />
      </dl>

      <KpiCharts months={chart} />

      <div className="mt-6 space-y-6">
        <Card title="Per month">
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="KPIs per month">
            <table className="min-w-full text-sm">
              <caption className="sr-only">KPIs per month</caption>
              <thead>
                <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
                  <th scope="col" className="sticky left-0 bg-white px-2 py-2 dark:bg-slate-900">Month</th>
                  <th scope="col" className="px-2 py-2 text-right">Requests</th>
                  <th scope="col" className="px-2 py-2 text-right">OK w/o fallback</th>
                  <th scope="col" className="px-2 py-2 text-right">Fallback</th>
                  <th scope="col" className="px-2 py-2 text-right">Added p50 / p95</th>
                  <th scope="col" className="px-2 py-2 text-right">Refusals</th>
                  <th scope="col" className="px-2 py-2 text-right">Verifying</th>
                  <th scope="col" className="px-2 py-2 text-right">MRR</th>
                  <th scope="col" className="px-2 py-2 text-right">VEx</th>
                  <th scope="col" className="px-2 py-2 text-right">Overage</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 text-slate-800 dark:divide-slate-800 dark:text-slate-200">
                {months.map((m) => (
                  <tr key={m.month} className="tabular-nums">
                    <th scope="row" className="sticky left-0 bg-white px-2 py-2 text-left font-medium dark:bg-slate-900">{m.month}</th>
                    <td className="px-2 py-2 text-right">{formatCount(m.technical.requests)}</td>
                    <td className="px-2 py-2 text-right">{pct(m.technical.successWithoutFallback)}</td>
                    <td className="px-2 py-2 text-right">{pct(m.technical.fallbackRate)}</td>
                    <td className="whitespace-nowrap px-2 py-2 text-right">{msText(m.technical.addedLatencyP50Ms)} / {msText(m.technical.addedLatencyP95Ms)}</td>
                    <td className="px-2 py-2 text-right">{formatCount(m.technical.refusals)}</td>
                    <td className="px-2 py-2 text-right">{pct(m.technical.verifyingShare)}</td>
                    <td className="px-2 py-2 text-right">{usdCents(m.business.mrrCents)}</td>
                    <td className="px-2 py-2 text-right">{formatCount(m.business.vex)}</td>
                    <td className="px-2 py-2 text-right">{usdCents(m.business.overageCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Refusals by code">
          {codes.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No refusals in these months.</p>
          ) : (
            <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Refused requests by error code and month">
              <table className="min-w-full text-sm">
                <caption className="sr-only">Refused requests by error code and month</caption>
                <thead>
                  <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
                    <th scope="col" className="sticky left-0 bg-white px-2 py-2 dark:bg-slate-900">Code</th>
                    {months.map((m) => (
                      <th key={m.month} scope="col" className="px-2 py-2 text-right">{m.month}</th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 text-slate-800 dark:divide-slate-800 dark:text-slate-200">
                  {codes.map((code) => (
                    <tr key={code} className="tabular-nums">
                      <th scope="row" className="sticky left-0 bg-white px-2 py-2 text-left font-mono text-xs font-medium dark:bg-slate-900">{code}</th>
                      {months.map((m) => (
                        <td key={m.month} className="px-2 py-2 text-right">{formatCount(m.technical.refusalsByCode[code] ?? 0)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
