// The /auth endpoints set and clear the HttpOnly session cookie. They take JSON only and
// answer refusals as { errors: [{ field, message, code }] }.
export type FieldError = { field: string | null; message: string; code: string };

export class AuthError extends Error {
  constructor(public errors: FieldError[]) {
    super(errors.map((e) => e.message).join(" "));
  }
}

export async function authCall(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new AuthError(
      data.errors ?? [{ field: null, message: `The server answered ${response.status}.`, code: "ERROR" }],
    );
  }
  return data;
}

export type InvitationPreview = {
  email: string;
  workspaceName: string;
  role: string;
  hasAccount: boolean;
};

export async function previewInvitation(token: string): Promise<InvitationPreview> {
  const response = await fetch(`/auth/invitations/${encodeURIComponent(token)}`);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new AuthError(data.errors ?? [{ field: null, message: "This invitation cannot be used.", code: "ERROR" }]);
  }
  return data as InvitationPreview;
}

export async function companyProvider(email: string): Promise<{ displayName: string } | null> {
  const response = await fetch(`/auth/federated/providers?email=${encodeURIComponent(email)}`);
  if (!response.ok) return null;
  const data = await response.json().catch(() => ({}));
  return data.provider ?? null;
}
