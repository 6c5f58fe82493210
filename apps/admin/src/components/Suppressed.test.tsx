import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatCents } from '../format';
import { renderUi } from '../test/render';
import { plottable, shownText, SuppressedValue } from './Suppressed';

/** Statistical secrecy (RULES.md, COPIL indicators): counts under 11 arrive as « < 11 » and stay so. */
describe('SuppressedValue', () => {
  it('shows « < 11 » for a suppressed cell, with the reason for screen readers', () => {
    renderUi(<SuppressedValue value="< 11" />);
    const cell = screen.getByTitle('Valeur masquée (secret statistique : moins de 11)');
    expect(cell).toHaveTextContent('< 11');
    expect(cell).toHaveTextContent('valeur masquée, secret statistique');
    expect(cell.dataset.suppressed).toBe('true');
  });

  it('formats a shown number, and never formats the marker as a number', () => {
    const { container } = renderUi(
      <>
        <SuppressedValue value={123456} format={formatCents} />
        <SuppressedValue value="< 11" format={formatCents} />
      </>,
    );
    expect(container.textContent).toContain(formatCents(123456)); // « 1 234,56 € »
    expect(screen.queryByText(/NaN/)).toBeNull();
    expect(screen.getAllByText(/< 11/)).toHaveLength(1);
  });

  it('shows zero as zero (not suppressed) and null as not available', () => {
    renderUi(
      <>
        <SuppressedValue value={0} />
        <SuppressedValue value={null} />
      </>,
    );
    expect(screen.getByText('0')).toBeInTheDocument();
    expect(screen.getByText('non disponible')).toBeInTheDocument();
  });

  it('charts get gaps, never zeros, for suppressed values', () => {
    expect(plottable('< 11')).toBeNull();
    expect(plottable(null)).toBeNull();
    expect(plottable(0)).toBe(0);
    expect(shownText('< 11')).toBe('moins de 11 (masqué)');
  });
});
