import type { Metadata } from 'next';
import { ApiKeysPage } from '@/features/api-keys/ApiKeysPage';

export const metadata: Metadata = { title: 'API keys' };

export default function Page() {
  return <ApiKeysPage />;
}
