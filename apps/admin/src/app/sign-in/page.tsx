'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useRef, useState, type FormEvent } from 'react';
import { homeFor, safeNextPath } from '../../lib/access';
import { ApiError } from '../../lib/api-error';
import { useSession, useSignIn } from '../../queries/session';

function messageOf(error: unknown): string {
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return error.message;
  if (error instanceof ApiError && error.code === 'RATE_LIMITED') return error.message;
  return error instanceof Error ? error.message : 'Signing in failed; try again.';
}

function SignInForm() {
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get('next'));
  const { user } = useSession();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: string; password?: string }>({});
  const errorRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (user) router.replace(next ?? homeFor(user.role));
  }, [user, next, router]);

  useEffect(() => {
    if (signIn.error) errorRef.current?.focus();
  }, [signIn.error]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = {
      email: email.trim() ? undefined : 'Enter your email address.',
      password: password ? undefined : 'Enter your password.',
    };
    setMissing(problems);
    if (problems.email || problems.password) return;
    signIn.mutate(
      { email: email.trim(), password },
      { onSuccess: (data) => router.replace(next ?? homeFor(data.signIn.role)) },
    );
  }

  return (
    <form className="panel form narrow" onSubmit={submit} noValidate aria-describedby="sign-in-help">
      <p id="sign-in-help" className="muted">
        Sign in with the email and password an admin gave you.
      </p>
      {signIn.error && (
        <p role="alert" className="error" tabIndex={-1} ref={errorRef}>
          {messageOf(signIn.error)}
        </p>
      )}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={missing.email ? true : undefined}
          aria-describedby={missing.email ? 'email-error' : undefined}
          autoFocus
        />
        {missing.email && (
          <p id="email-error" className="field-error">
            {missing.email}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={missing.password ? true : undefined}
          aria-describedby={missing.password ? 'password-error' : undefined}
        />
        {missing.password && (
          <p id="password-error" className="field-error">
            {missing.password}
          </p>
        )}
      </div>
      <button type="submit" className="button" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

export default function SignInPage() {
  return (
    <section aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <SignInForm />
      </Suspense>
    </section>
  );
}
