import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RiskPage } from '@/features/risk/RiskPage';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Risk' };

export default function Page() {
  // RiskPage reads ?linkage= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <RiskPage />
    </Suspense>
  );
}
