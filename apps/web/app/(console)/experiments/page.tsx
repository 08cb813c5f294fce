import type { Metadata } from 'next';
import { SectionPlaceholder } from '@/features/sections/SectionPlaceholder';

export const metadata: Metadata = { title: 'Experiments' };

export default function Page() {
  return <SectionPlaceholder section="experiments" />;
}
