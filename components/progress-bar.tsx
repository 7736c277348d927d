import { formatCount, percentOf } from './format';
import { cx } from './cx';

/** Used vs limit with exact numbers; turns amber past 80 % and red past 100 %. */
export function ProgressBar({ label, used, limit, unit }: { label: string; used: bigint; limit: bigint | null; unit: string }) {
  const pct = limit === null ? 0 : percentOf(used, limit);
  const over = limit !== null && used > limit;
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-800 dark:text-slate-200">{label}</span>
        <span className="tabular-nums text-slate-600 dark:text-slate-400">
          {formatCount(used)} {limit === null ? `${unit} (no limit)` : `of ${formatCount(limit)} ${unit}`}
        </span>
      </div>
      {limit !== null && (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(pct)}
          aria-valuetext={`${formatCount(used)} of ${formatCount(limit)} ${unit}`}
          className="h-2.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
        >
          <div className={cx('h-full rounded-full', over ? 'bg-red-500' : pct >= 80 ? 'bg-amber-500' : 'bg-indigo-600')} style={{ width: `${over ? 100 : pct}%` }} />
        </div>
      )}
    </div>
  );
}
