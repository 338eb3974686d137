// An invitation link: a new person chooses a name and password, someone with an account
// confirms their password; either way they join the workspace and are signed in.
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { AuthError, authCall, previewInvitation, type FieldError, type InvitationPreview } from "../api/auth";
import { humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, Loading } from "../components/status";

export function Invitation() {
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    previewInvitation(token).then(setPreview, (error) => setProblem(error.message));
  }, [token]);

  if (problem) {
    return (
      <main className="narrow" id="main">
        <h1>This invitation cannot be used</h1>
        <ErrorMessage error={problem} />
        <p>Ask the person who invited you for a new link, or <Link to="/login">sign in</Link>.</p>
      </main>
    );
  }
  if (!preview) return <Loading what="the invitation" />;
  const known = preview.hasAccount;

  async function accept(event: React.FormEvent) {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (!known && !displayName.trim()) problems.push({ field: "displayName", message: "Tell your colleagues your name.", code: "REQUIRED" });
    if (!known && password.length < 10) problems.push({ field: "password", message: "Use at least 10 characters.", code: "INVALID" });
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      await authCall("/auth/invitations/accept", { token, password, displayName: displayName.trim() });
      navigate("/", { replace: true });
    } catch (error) {
      setErrors(error instanceof AuthError ? error.errors : [{ field: null, message: String(error), code: "ERROR" }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="narrow" id="main">
      <h1>Join {preview.workspaceName}</h1>
      <p className="lead">
        {preview.email} is invited to the <strong>{preview.workspaceName}</strong> workspace as{" "}
        <strong>{humanize(preview.role).toLowerCase()}</strong>.
      </p>
      <form className="card form" onSubmit={accept} noValidate aria-label="Accept the invitation">
        <label>
          Email
          <input type="email" value={preview.email} readOnly autoComplete="username" />
        </label>
        {!known && (
          <label>
            Your name
            <input name="displayName" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
        )}
        <label>
          {known ? "Your kamp password" : "Choose a password"}
          <input name="password" type="password" autoComplete={known ? "current-password" : "new-password"}
            value={password} onChange={(e) => setPassword(e.target.value)} />
          <small>{known ? "You already have an account: confirm it is you." : "At least 10 characters."}</small>
        </label>
        <FieldErrors errors={errors} />
        <button type="submit" className="button" disabled={busy}>
          {known ? "Join the workspace" : "Create account and join"}
        </button>
      </form>
    </main>
  );
}
