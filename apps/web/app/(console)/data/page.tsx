import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DataPage } from '@/features/data/DataPage';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Data' };

export default function Page() {
  // DataPage reads ?symbol=&timeframe= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <DataPage />
    </Suspense>
  );
}
