'use client';
// The transparency-log part of a verification: per-hop inclusion, the checkpoint's signature,
// witness cosignatures and consistency with the checkpoint this browser saw before.
import { useState } from 'react';
import { formatCount } from '@/components/format';
import { Table, Td, Th } from '@/components/table';
import { cx } from '@/components/cx';
import { Pager } from '@/components/pager';
import { Badge, Card } from '@/components/ui';
import type { Head, LogReport } from '@/server/transparency/verify-log';

// Pages of rows, as the hop table shows them: a 1,000-hop bundle renders 100 rows, not 1,000.
const PAGE_SIZE = 100;

function Line({ ok, children, testId }: { ok: boolean | null; children: React.ReactNode; testId: string }) {
  return (
    <p data-testid={testId} className={cx('text-sm font-medium', ok === null ? 'text-slate-600 dark:text-slate-400' : ok ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300')}>
      <span aria-hidden>{ok === null ? '–' : ok ? '✓' : '✗'} </span>
      {children}
    </p>
  );
}

const headText = (h: Head) => `${h.origin} · size ${h.size} · root ${h.root}`;

export function LogResult({ log }: { log: LogReport }) {
  const firstInvalid = log.hops.findIndex((h) => h.status === 'invalid');
  // Open on the page of the first invalid proof.
  const [page, setPage] = useState(firstInvalid === -1 ? 0 : Math.floor(firstInvalid / PAGE_SIZE));
  if (!log.present) {
    return (
      <Card title="Transparency log">
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="log-not-checked">
          Not checked against the transparency log: this bundle has no log field.
        </p>
      </Card>
    );
  }
  const sig = log.signature;
  const w = log.witnesses;
  const c = log.consistency;
  const count = (status: (typeof log.hops)[number]['status']) => log.hops.filter((h) => h.status === status).length;
  const [included, invalid] = [count('included'), count('invalid')];
  const pages = Math.max(1, Math.ceil(log.hops.length / PAGE_SIZE));
  const shownPage = Math.min(page, pages - 1);
  return (
    <Card title="Transparency log">
      <div className="space-y-3" data-testid="log-result">
        {c.status === 'fork' && (
          <div role="alert" className="rounded-md bg-red-50 dark:bg-red-950/40 px-4 py-3 text-sm text-red-900 dark:text-red-200 ring-1 ring-inset ring-red-400 dark:ring-red-700" data-testid="log-fork">
            <p className="font-bold">Fork: the log signed two checkpoints that are not consistent.</p>
            <p className="mt-1">{c.reason}</p>
            <p className="mt-2 break-all font-mono text-xs">Seen earlier: {headText(c.trusted!)}</p>
            <p className="break-all font-mono text-xs">This bundle: {headText(log.checkpoint!)}</p>
          </div>
        )}
        <Line testId="log-checkpoint" ok={sig.status === 'verified' ? true : sig.status === 'invalid' ? false : null}>
          {sig.status === 'verified'
            ? `Checkpoint verified (size ${log.checkpoint?.size}, key ${sig.key}).`
            : sig.status === 'invalid'
              ? `Checkpoint signature not valid: ${sig.reason}`
              : 'Checkpoint signature not checked: give the log key.'}
        </Line>
        <Line testId="log-witnesses" ok={w.list.length === 0 ? null : w.cosigned >= w.required}>
          {w.list.length === 0 ? 'Witnesses not checked: give witness keys.' : `Cosigned by ${w.cosigned} of ${w.required} required witness${w.required === 1 ? '' : 'es'}: ${w.list.map((x) => `${x.name} (${x.status})`).join(', ')}.`}
        </Line>
        <Line testId="log-consistency" ok={c.status === 'consistent' || c.status === 'same' ? true : c.status === 'fork' ? false : null}>
          {c.status === 'consistent' || c.status === 'same'
            ? `Consistent with the last checkpoint seen in this browser (size ${c.trusted!.size}).`
            : c.status === 'fork'
              ? 'Not consistent with the last checkpoint seen in this browser.'
              : c.status === 'unavailable'
                ? `Consistency not checked: ${c.reason}.`
                : 'First checkpoint of this log seen in this browser; later bundles are checked against it.'}
        </Line>
        {log.failures
          .filter((f) => f.code !== 'INCLUSION_INVALID' && f.code !== 'LOG_FORK')
          .map((f, i) => (
            <p key={i} className="text-xs text-red-800 dark:text-red-200">
              <code className="rounded bg-red-100 dark:bg-red-900/40 px-1">{f.code}</code> {f.message}
            </p>
          ))}
        <Line testId="log-inclusion-summary" ok={log.hops.length === 0 ? null : invalid === 0 && included === log.hops.length}>
          {`${formatCount(included)} of ${formatCount(log.hops.length)} hops included in the log`}
          {invalid > 0 && `, ${formatCount(invalid)} with an invalid proof`}
          {log.hops.length - included - invalid > 0 && `, ${formatCount(log.hops.length - included - invalid)} not yet in the log`}.
        </Line>
        <Table caption="Inclusion in the log">
          <thead>
            <tr>
              <Th>Hop</Th>
              <Th>Inclusion</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {log.hops.slice(shownPage * PAGE_SIZE, (shownPage + 1) * PAGE_SIZE).map((h) => (
              <tr key={h.index} data-testid="log-hop">
                <Td className="tabular-nums">{h.hop ?? `#${h.index + 1}`}</Td>
                <Td>
                  {h.status === 'included' ? (
                    <Badge tone="green">included at index {h.leaf_index}</Badge>
                  ) : h.status === 'not-in-log' ? (
                    <Badge tone="amber">not yet in the log</Badge>
                  ) : (
                    <span className="text-xs">
                      <Badge tone="red">proof invalid</Badge> <span className="text-red-800 dark:text-red-200">{h.reason}</span>
                    </span>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
        <Pager label="Inclusion pages" page={shownPage} pages={pages} onPage={setPage} />
      </div>
    </Card>
  );
}
