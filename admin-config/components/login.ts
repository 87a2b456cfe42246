// The panel's login page, in place of AdminJS's `Login` (React without JSX; bundled by AdminJS).
// After repeated failed logins the server asks for a proof of work (ALTCHA). The browser solves
// one while the user types, with Web Crypto, from <login path>-challenge, and sends it in the
// hidden `altcha` field; the server checks it only when the account or the address needs it. The
// same request brings the form's CSRF token (hidden field `formToken`), which every login needs.
// A click before the work is done waits for it. Messages are keys of admin-config/locale.ts.
import { Box, Button, FormGroup, H1, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';
import React, { useEffect, useRef, useState } from 'react';
import { solveProof, type ProofChallenge } from './proof-of-work.js';

interface LoginState {
  action: string;
  errorMessage?: string | null;
}

type Proof = { state: 'working' } | { state: 'done'; at: number } | { state: 'unavailable' };

const h = React.createElement;
/** Challenges live 20 minutes on the server; an older solution is replaced before it is sent. */
const FRESH_MS = 10 * 60_000;

async function fetchAndSolve(url: string, tokenField: { value: string } | null, onTenant: (name: string | null) => void): Promise<string | null> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) return null;
  const { challenge, formToken, tenantName } = (await res.json()) as { challenge: ProofChallenge; formToken: string; tenantName: string | null };
  if (tokenField) tokenField.value = formToken;
  onTenant(tenantName);
  if (!globalThis.crypto?.subtle) return null; // Web Crypto needs HTTPS (or localhost)
  return solveProof(challenge);
}

export default function Login() {
  const { action, errorMessage } = (globalThis as unknown as { __APP_STATE__: LoginState }).__APP_STATE__;
  const { translateComponent: tc, translateMessage: tm } = useTranslation();
  const [proof, setProof] = useState<Proof>({ state: 'working' });
  const [waiting, setWaiting] = useState(false);
  const [tenantName, setTenantName] = useState<string | null>(null);
  const pending = useRef<Promise<string | null> | null>(null);
  const form = useRef<{ submit(): void } | null>(null);
  const field = useRef<{ value: string } | null>(null);
  const tokenField = useRef<{ value: string } | null>(null);

  const solve = (): Promise<string | null> => {
    setProof({ state: 'working' });
    const run = fetchAndSolve(`${action}-challenge`, tokenField.current, setTenantName).catch(() => null);
    pending.current = run;
    void run.then((payload) => {
      if (pending.current !== run) return;
      if (field.current) field.current.value = payload ?? '';
      setProof(payload ? { state: 'done', at: Date.now() } : { state: 'unavailable' });
    });
    return run;
  };
  useEffect(() => {
    void solve();
  }, []);

  const onSubmit = (event: React.FormEvent) => {
    // Without a proof (no Web Crypto) the login still goes out: the server asks for one only when needed.
    if (proof.state === 'unavailable' || (proof.state === 'done' && Date.now() - proof.at < FRESH_MS)) return;
    event.preventDefault();
    if (waiting) return;
    setWaiting(true);
    const run = proof.state === 'done' ? solve() : pending.current!;
    // The native submit() sends the form without coming back through this handler.
    void run.finally(() => form.current?.submit());
  };

  const [code, argument] = (errorMessage ?? '').split(':');
  const seconds = Number(argument);
  const message = !code
    ? null
    : code === 'loginDelayed'
      ? seconds >= 120
        ? tm('loginDelayedMinutes', undefined, { minutes: Math.ceil(seconds / 60) })
        : tm('loginDelayed', undefined, { seconds })
      : tm(code);
  const status =
    proof.state === 'unavailable'
      ? tc('Login.proofUnavailable')
      : waiting
        ? tc('Login.proofWaiting')
        : proof.state === 'working'
          ? tc('Login.proofWorking')
          : tc('Login.proofDone');

  return h(
    Box,
    {
      as: 'main',
      flex: true,
      variant: 'grey',
      alignItems: 'center',
      justifyContent: 'center',
      style: { minHeight: '100vh', boxSizing: 'border-box' },
      p: ['default', 'xl'],
    },
    h(
      Box,
      { bg: 'white', boxShadow: 'login', p: ['xl', 'x3'], width: ['100%', '440px'] },
      // The product's name as the page's mark (no stock illustration), and the municipality's under its domain.
      h(
        Text,
        { as: 'p', mt: 0, mb: 'lg', style: { fontSize: 28, fontWeight: 700, letterSpacing: '0.02em', color: '#1d4e89' } },
        h('span', { 'aria-hidden': true, style: { marginRight: 8 } }, '◷'),
        h('span', null, 'Amtszeit'),
      ),
      h(H1, { fontSize: 'h3', lineHeight: 'xl', mt: 0, mb: 'sm' }, tenantName ?? tc('Login.welcomeHeader')),
      h(Text, { mb: 'xl' }, tc('Login.welcomeMessage')),
      message && h(Box, { role: 'alert', mb: 'xl' }, h(MessageBox, { message, variant: 'danger' })),
      h(
        'form',
        { action, method: 'POST', onSubmit, ref: form as never },
        h(
          FormGroup,
          null,
          h(Label, { htmlFor: 'login-email', required: true }, tc('Login.properties.email')),
          h(Input, { id: 'login-email', name: 'email', type: 'email', autoComplete: 'username', required: true, autoFocus: true, width: '100%' }),
        ),
        h(
          FormGroup,
          null,
          h(Label, { htmlFor: 'login-password', required: true }, tc('Login.properties.password')),
          h(Input, { id: 'login-password', name: 'password', type: 'password', autoComplete: 'current-password', required: true, width: '100%' }),
        ),
        // No value prop: React would write it back on every render (for a hidden input the default
        // value is the value) and wipe what the solver put there.
        h('input', { type: 'hidden', name: 'altcha', ref: field as never }),
        h('input', { type: 'hidden', name: 'formToken', ref: tokenField as never }),
        h(Button, { type: 'submit', variant: 'contained', mt: 'lg', 'aria-busy': waiting }, tc('Login.loginButton')),
        h(Text, { role: 'status', mt: 'lg', fontSize: 'sm', color: 'grey80' }, status),
      ),
    ),
  );
}
