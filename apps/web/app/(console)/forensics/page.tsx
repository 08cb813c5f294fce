import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ForensicsPage } from '@/features/forensics';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Forensics' };

export default function Page() {
  // ForensicsPage reads ?id=&symbol=&from=&to= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <ForensicsPage />
    </Suspense>
  );
}
