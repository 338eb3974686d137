// Sign in with a kamp password, or with one's company where the email's domain has its own
// identity provider. The server sets an HttpOnly session cookie; the page never sees a token.
import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";

import { AuthError, authCall, companyProvider, type FieldError } from "../api/auth";
import { FieldErrors } from "../components/status";

export function SignIn() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [provider, setProvider] = useState<{ displayName: string } | null>(null);
  const failedCompany = params.get("signin_error");

  async function lookUpCompany(value: string) {
    setProvider(value.includes("@") ? await companyProvider(value.trim()).catch(() => null) : null);
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (!email.includes("@")) problems.push({ field: "email", message: "Enter your email address.", code: "REQUIRED" });
    if (!password) problems.push({ field: "password", message: "Enter your password.", code: "REQUIRED" });
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      await authCall("/auth/login", { email: email.trim(), password });
      const next = params.get("next") || "/";
      // The consent page is the server's own: leave the app for it.
      if (next.startsWith("/oauth/")) window.location.assign(next);
      else navigate(next.startsWith("/") ? next : "/", { replace: true });
    } catch (error) {
      setErrors(error instanceof AuthError ? error.errors : [{ field: null, message: String(error), code: "ERROR" }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="narrow" id="main">
      <h1>Sign in to kamp</h1>
      <p className="lead">The shared workspace of a supplier and its key accounts.</p>
      {failedCompany && (
        <p className="alert" role="alert">
          Signing in with your company did not work. Ask your administrator whether you were invited.
        </p>
      )}
      <form className="card form" onSubmit={submit} noValidate aria-label="Sign in">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" value={email}
            onChange={(e) => setEmail(e.target.value)} onBlur={(e) => lookUpCompany(e.target.value)}
            aria-invalid={errors.some((e) => e.field === "email")} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={errors.some((e) => e.field === "password")} />
        </label>
        <FieldErrors errors={errors} />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {provider && (
        <p className="company-signin">
          <a className="button secondary" href={`/auth/federated/start?email=${encodeURIComponent(email.trim())}`}>
            Sign in with {provider.displayName}
          </a>
        </p>
      )}
    </main>
  );
}
