// Previous / next through the pages of a long table, with where the reader is.
import { cx } from './cx';
import { Button } from './ui';

export function Pager({ label, page, pages, onPage, className }: { label: string; page: number; pages: number; onPage: (page: number) => void; className?: string }) {
  if (pages <= 1) return null;
  return (
    <nav aria-label={label} className={cx('flex flex-wrap items-center justify-between gap-2', className)}>
      <Button variant="secondary" disabled={page === 0} onClick={() => onPage(page - 1)}>
        ← Previous
      </Button>
      <span className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
        Page {page + 1} of {pages}
      </span>
      <Button variant="secondary" disabled={page === pages - 1} onClick={() => onPage(page + 1)}>
        Next →
      </Button>
    </nav>
  );
}
