import type { Metadata } from 'next';
import { DecisionDetailPage } from '@/features/decisions';

export const metadata: Metadata = { title: 'Decision' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DecisionDetailPage id={id} />;
}
