import { Alert, Anchor, Button, Container, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, messageOf } from '../api/problem';
import { useAuth } from '../auth/AuthProvider';

const REASONS = {
  expired: { color: 'orange', text: 'Votre session a expiré : reconnectez-vous pour continuer.' },
  signed_out: { color: 'blue', text: 'Vous êtes déconnecté.' },
  signed_out_everywhere: { color: 'blue', text: 'Vous êtes déconnecté de tous vos appareils.' },
} as const;

/**
 * Sign-in with e-mail and password; platform roles then give their 6-digit TOTP code (the API
 * answers `totp_requis`). Errors are the API's French `detail`.
 */
export function SignInPage() {
  const { signIn, signedIn, me, reason, store } = useAuth();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [notice] = useState(reason);
  const totpRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  useEffect(() => {
    document.title = 'Connexion — Plateforme MTR 2';
    store.acknowledge();
  }, [store]);
  useEffect(() => {
    if (step === 'totp') totpRef.current?.focus();
  }, [step]);

  if (signedIn && me) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/connexion' ? from : '/'} replace />;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) return setError('Saisissez votre adresse e-mail et votre mot de passe.');
    if (step === 'totp' && !/^\d{6}$/.test(totp)) return setError('Le code d’authentification comporte 6 chiffres.');
    setPending(true);
    try {
      await signIn({ email: email.trim(), password, totp: step === 'totp' ? totp : undefined });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_requis') {
        setStep('totp');
      } else {
        setError(messageOf(err));
        if (err instanceof ApiError && err.code === 'totp_invalide') setTotp('');
      }
    } finally {
      setPending(false);
    }
  }

  const shown = notice ? REASONS[notice] : null;
  return (
    <Container size={440} py={48} component="main" id="contenu">
      <Title order={1} ta="center" mb="xs">
        Plateforme MTR 2
      </Title>
      <Text ta="center" mb="lg">
        Médecin Traitant Renforcé 2 — connexion
      </Text>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        <form onSubmit={submit} noValidate aria-describedby={error ? errorId : undefined}>
          <Stack>
            {shown && !error && (
              <Alert color={shown.color} role="status">
                {shown.text}
              </Alert>
            )}
            {error && (
              <Alert color="red" role="alert" id={errorId} title="Connexion impossible">
                {error}
              </Alert>
            )}
            {step === 'password' ? (
              <>
                <TextInput label="Adresse e-mail" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} autoFocus />
                <PasswordInput label="Mot de passe" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
              </>
            ) : (
              <>
                <Text>
                  Votre compte demande un second facteur. Saisissez le code à 6 chiffres affiché par votre application d’authentification.
                </Text>
                <TextInput
                  ref={totpRef}
                  label="Code d’authentification"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  required
                  value={totp}
                  onChange={(e) => setTotp(e.currentTarget.value.replace(/\D/g, ''))}
                />
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  onClick={() => {
                    setStep('password');
                    setTotp('');
                    setError(null);
                  }}
                >
                  Changer de compte
                </Anchor>
              </>
            )}
            <Button type="submit" loading={pending} fullWidth>
              {step === 'totp' ? 'Valider le code' : 'Se connecter'}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
