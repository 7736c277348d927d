import { Spinner } from '@/components/ui';

export default function DashboardLoading() {
  return <Spinner label="Loading" />;
}
