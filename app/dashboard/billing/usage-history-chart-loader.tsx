'use client';
// Recharts loads with the chart, not with the page (`ssr: false` needs a client module).
import dynamic from 'next/dynamic';

export const UsageHistoryChart = dynamic(() => import('./usage-history-chart').then((m) => m.UsageHistoryChart), { ssr: false, loading: () => <div className="mb-4 h-48" /> });
