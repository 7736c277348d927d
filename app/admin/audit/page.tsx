import { PageHeader } from '@/components/ui';
import { AuditLogViewer } from './audit-log-viewer';

export const metadata = { title: 'Audit log' };

export default function AuditLogPage() {
  return (
    <>
      <PageHeader title="Audit log" description="Every owner and admin action: who did what, to what, when and from where. Newest first." />
      <AuditLogViewer />
    </>
  );
}
