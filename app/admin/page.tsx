import { PageHeader } from '@/components/ui';
import { TenantsList } from './tenants-list';

export const metadata = { title: 'Tenants' };

export default function AdminHome() {
  return (
    <>
      <PageHeader title="Tenants" description="Every tenant on this Signet deployment, with this month's verified exchanges (VEx, UTC calendar month)." />
      <TenantsList />
    </>
  );
}
