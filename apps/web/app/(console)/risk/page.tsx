import type { Metadata } from 'next';
import { SectionPlaceholder } from '@/features/sections/SectionPlaceholder';

export const metadata: Metadata = { title: 'Risk' };

export default function Page() {
  return <SectionPlaceholder section="risk" />;
}
