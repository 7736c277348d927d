import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/ui';

export default function TraceNotFound() {
  return (
    <>
      <PageHeader title="Trace not found" />
      <EmptyState title="There is no trace with this id in your tenant.">
        <Link href="/dashboard/receipts" className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
          Back to all traces
        </Link>
      </EmptyState>
    </>
  );
}
