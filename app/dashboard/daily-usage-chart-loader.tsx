'use client';
// Recharts is loaded only when there is something to draw, not with the page (a server
// component cannot make that split itself: `ssr: false` needs a client module).
import dynamic from 'next/dynamic';

export const DailyUsageChart = dynamic(() => import('./daily-usage-chart').then((m) => m.DailyUsageChart), { ssr: false, loading: () => <div className="h-56" /> });
