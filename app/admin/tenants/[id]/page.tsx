import { TenantDetailView } from './tenant-detail';

export const metadata = { title: 'Tenant' };

export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TenantDetailView id={decodeURIComponent(id)} />;
}
