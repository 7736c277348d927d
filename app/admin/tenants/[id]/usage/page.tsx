import { UsageReviewView } from './usage-review';

export const metadata = { title: 'Usage statements' };

export default async function TenantUsagePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ period?: string }> }) {
  const { id } = await params;
  const { period } = await searchParams;
  return <UsageReviewView id={decodeURIComponent(id)} initialPeriod={period ?? 'current'} />;
}
