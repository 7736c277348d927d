import { PageHeader } from '@/components/ui';
import { GlobalAllowlistEditor } from './global-allowlist-editor';

export const metadata = { title: 'Global allowlist' };

export default function GlobalAllowlistPage() {
  return (
    <>
      <PageHeader
        title="Global forward allowlist"
        description="Hosts every tenant may forward to, in addition to its own allowlist. An entry is a host (api.example.com) or a wildcard (*.example.com), optionally with :port; without a port only 443 is allowed."
      />
      <GlobalAllowlistEditor />
    </>
  );
}
