import { PageHeader } from '@/components/ui';

export const metadata = { title: 'Admin' };

export default function AdminHome() {
  return <PageHeader title="Tenants" description="Every tenant on this Signet deployment." />;
}
