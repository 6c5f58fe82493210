import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderUi } from '../test/render';
import { RunProgress, type RunLike } from './RunProgress';

const run = (over: Partial<RunLike>): RunLike => ({
  id: '00000000-0000-4000-8000-000000000001',
  month: '2026-11',
  status: 'queued',
  progress: 0,
  errorCode: null,
  errorDetail: null,
  statementId: null,
  createdAt: '2026-12-01T10:00:00Z',
  finishedAt: null,
  ...over,
});

describe('RunProgress (issue #6 §1: the run queued → running → done | failed)', () => {
  it('queued and running: a named progress bar and a polite French status', () => {
    const first = renderUi(<RunProgress run={run({})} />);
    expect(screen.getByRole('progressbar', { name: 'Calcul de novembre 2026 : en file d’attente, 0 %' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('vous pouvez quitter cette page, le calcul continue');
    first.unmount();
    renderUi(<RunProgress run={run({ status: 'running', progress: 10 })} />);
    const bar = screen.getByRole('progressbar', { name: /en cours de calcul, 10 %/ });
    expect(bar).toHaveAttribute('aria-valuenow', '10');
  });

  it('done: when it finished and the link it is given, no bar any more', () => {
    renderUi(<RunProgress run={run({ status: 'done', progress: 100, statementId: 'x', finishedAt: '2026-12-01T10:00:05Z' })} done={<a href="/releve">Ouvrir le relevé</a>} />);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText(/Calcul de novembre 2026 terminé le 1 décembre 2026 à 11:00/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ouvrir le relevé' })).toBeInTheDocument();
  });

  it('failed: an alert with the API’s French detail, its code and what to do', () => {
    renderUi(
      <RunProgress
        run={run({ status: 'failed', errorCode: 'donnees_forfait_invalides', errorDetail: 'Les données de la structure ne permettent pas de calculer le mois (1 anomalie(s)) : patient P-12 : déclaration avant la naissance.' })}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Le calcul de novembre 2026 a échoué');
    expect(alert).toHaveTextContent('patient P-12 : déclaration avant la naissance');
    expect(alert).toHaveTextContent('Code : donnees_forfait_invalides');
    expect(alert).toHaveTextContent('relancez le calcul du mois');
  });

  it('failed without a detail still says what to do', () => {
    renderUi(<RunProgress run={run({ status: 'failed' })} compact />);
    expect(screen.getByRole('alert')).toHaveTextContent('relancez-le, puis signalez-le à l’équipe ipso');
  });
});
