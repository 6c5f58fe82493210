import { Title } from '@mantine/core';
import { useEffect, useRef } from 'react';

/**
 * The page's h1, also its document title. On each page change focus moves to it, so keyboard and
 * screen-reader users start reading the new page (single-page apps do not do this by themselves).
 */
export function PageTitle({ children, focus = true }: { children: string; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} — Plateforme MTR 2`;
    if (focus) ref.current?.focus();
  }, [children, focus]);
  return (
    <Title order={1} ref={ref} tabIndex={-1} mb="md" style={{ outline: 'none' }}>
      {children}
    </Title>
  );
}
