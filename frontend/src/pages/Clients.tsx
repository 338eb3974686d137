// Integrator clients, for organization admins: register (the secret is shown once), rotate
// the secret, revoke.
import { useState } from "react";
import { useMutation, useQuery } from "urql";

import { humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, Loading, mutationErrors, type UserError } from "../components/status";
import { graphql } from "../gql";

const CLIENTS = graphql(`
  query Clients {
    oauthClients(first: 100) {
      nodes {
        id
        clientId
        name
        kind
        scopes
        role
        createdAt
        revokedAt
        lastUsedAt
      }
    }
  }
`);

const REGISTER = graphql(`
  mutation RegisterClient($input: RegisterOAuthClientInput!) {
    registerOAuthClient(input: $input) {
      client {
        id
        clientId
      }
      clientSecret
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const ROTATE = graphql(`
  mutation RotateClient($input: OAuthClientInput!) {
    rotateOAuthClientSecret(input: $input) {
      client {
        id
        clientId
      }
      clientSecret
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation RevokeClient($input: OAuthClientInput!) {
    revokeOAuthClient(input: $input) {
      client {
        id
        revokedAt
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const SCOPES = ["accounts:read", "accounts:write", "plans:read", "plans:write", "meetings:read", "meetings:write", "actions:read", "actions:write"];

export function Clients() {
  const [result, reexecute] = useQuery({ query: CLIENTS });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const [, register] = useMutation(REGISTER);
  const [, rotate] = useMutation(ROTATE);
  const [, revoke] = useMutation(REVOKE);
  const [secret, setSecret] = useState<{ clientId: string; secret: string } | null>(null);
  const [errors, setErrors] = useState<UserError[]>([]);
  if (result.fetching && !result.data) return <Loading what="integrations" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  return (
    <div className="page">
      <h1>Integrations</h1>
      <p className="lead">Machine clients (an ERP, a BI tool) and apps that act for a user, with the scopes they may use.</p>
      {secret && (
        <div className="card success" role="status">
          <p>Secret of <code>{secret.clientId}</code>, shown this once: <code data-testid="client-secret">{secret.secret}</code></p>
          <button type="button" className="button small secondary" onClick={() => setSecret(null)}>I have stored it</button>
        </div>
      )}
      <table className="table">
        <caption className="sr-only">Clients</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Kind</th><th scope="col">Scopes</th><th scope="col">Last used</th><th scope="col" /></tr></thead>
        <tbody>
          {(result.data?.oauthClients.nodes ?? []).map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td><td><code>{c.clientId}</code></td><td>{humanize(c.kind)}{c.role ? ` · ${humanize(c.role)}` : ""}</td>
              <td>{c.scopes.join(" ")}</td><td>{c.lastUsedAt ? new Date(c.lastUsedAt).toLocaleString() : "never"}</td>
              <td>
                {c.revokedAt ? "revoked" : (
                  <>
                    <button type="button" className="button small secondary" onClick={async () => {
                      const r = await rotate({ input: { id: c.id } });
                      const p = r.data?.rotateOAuthClientSecret;
                      if (p?.clientSecret && p.client) setSecret({ clientId: p.client.clientId, secret: p.clientSecret });
                      setErrors(p?.errors ?? []);
                    }}>Rotate secret</button>{" "}
                    <button type="button" className="button small secondary" onClick={async () => {
                      if (!window.confirm(`Revoke ${c.name} and every token it holds?`)) return;
                      const r = await revoke({ input: { id: c.id } });
                      setErrors(mutationErrors(r, r.data?.revokeOAuthClient));
                      refresh();
                    }}>Revoke</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card form" aria-label="Register a client" onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const kind = data.get("kind") as "MACHINE" | "APPLICATION";
        const r = await register({ input: {
          name: String(data.get("name") ?? ""),
          kind,
          scopes: SCOPES.filter((s) => data.get(s)),
          role: kind === "MACHINE" ? "SUPPLIER_MEMBER" : null,
          redirectUris: String(data.get("redirectUris") ?? "").split(/\s+/).filter(Boolean),
        } });
        const p = r.data?.registerOAuthClient;
        setErrors(mutationErrors(r, p));
        if (p?.clientSecret && p.client) {
          setSecret({ clientId: p.client.clientId, secret: p.clientSecret });
          form.reset();
        }
        refresh();
      }}>
        <h2>Register a client</h2>
        <label>Name <input name="name" required /></label>
        <label>Kind <select name="kind" defaultValue="MACHINE">
          <option value="MACHINE">Machine (client credentials)</option>
          <option value="APPLICATION">Application acting for a user</option>
        </select></label>
        <fieldset><legend>Scopes</legend>
          {SCOPES.map((s) => <label key={s} className="inline"><input type="checkbox" name={s} /> {s}</label>)}
        </fieldset>
        <label>Redirect URIs (applications) <input name="redirectUris" placeholder="https://app.example.com/callback" /></label>
        <FieldErrors errors={errors} />
        <button type="submit" className="button">Register</button>
      </form>
    </div>
  );
}
