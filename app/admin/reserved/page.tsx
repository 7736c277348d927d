import { PageHeader } from '@/components/ui';
import { ReservedCapacityEditor } from './reserved-editor';

export const metadata = { title: 'Reserved capacity' };

export default async function ReservedCapacityPage({ searchParams }: { searchParams: Promise<{ tenant?: string }> }) {
  const { tenant } = await searchParams;
  return (
    <>
      <PageHeader
        title="Reserved capacity"
        description="Per-tenant commitments (the guide's reserved.json): reserved VEx and FU replace the plan's included units, with the tenant's own overage tiers. Changes apply to the current period at once and are audit-logged."
      />
      <ReservedCapacityEditor initialTenant={tenant ?? null} />
    </>
  );
}
