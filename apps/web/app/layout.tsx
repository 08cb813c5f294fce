import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import '@/shared/styles/globals.css';

export const metadata: Metadata = {
  title: { default: 'Tradeplane', template: '%s · Tradeplane' },
  description: 'Control plane for ML-driven trading',
};

export const viewport: Viewport = {
  themeColor: '#0b0e13',
  colorScheme: 'dark',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
