// Members and invitations: who is in the workspace, on which side, and inviting someone.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";

import { globalId, humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, mutationErrors, Loading, type UserError } from "../components/status";
import { graphql } from "../gql";
import { useWorkspaceEvents } from "../live/live";

// The elements this page shows: changes to others do not refetch it.
const MEMBER_TYPES = ["Membership", "Invitation", "Workspace"];

const MEMBERS = graphql(`
  query Members($ws: ID!) {
    node(id: $ws) {
      ... on Workspace {
        id
        name
        viewerPermissions
        members(first: 100) {
          nodes {
            id
            role
            title
            side
            user {
              id
              displayName
              email
            }
          }
        }
        invitations(first: 100) {
          nodes {
            id
            email
            role
            expiresAt
            revoked
          }
        }
      }
    }
  }
`);

const INVITE = graphql(`
  mutation Invite($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      invitation {
        id
        email
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const REVOKE = graphql(`
  mutation RevokeInvitation($input: RevokeInvitationInput!) {
    revokeInvitation(input: $input) {
      invitation {
        id
        revoked
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const ROLES = ["CUSTOMER_BUYER", "CUSTOMER_EXECUTIVE", "SUPPLIER_MEMBER", "SUPPLIER_EXECUTIVE", "MENTOR"] as const;

export function Members() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [result, reexecute] = useQuery({ query: MEMBERS, variables: { ws } });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, MEMBER_TYPES);
  const [, invite] = useMutation(INVITE);
  const [, revoke] = useMutation(REVOKE);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  if (result.fetching && !result.data) return <Loading what="members" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const workspace = result.data?.node;
  if (!workspace || !("members" in workspace)) return <ErrorMessage error="There is no such workspace." />;
  const canInvite = workspace.viewerPermissions.includes("members:invite");
  return (
    <div className="page">
      <h1>Members of {workspace.name}</h1>
      <table className="table">
        <caption className="sr-only">Members</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Side</th><th scope="col">Role</th><th scope="col">Title</th></tr></thead>
        <tbody>
          {workspace.members.nodes.map((m) => (
            <tr key={m.id}>
              <td>{m.user?.displayName}</td><td>{m.user?.email}</td><td>{humanize(m.side)}</td><td>{humanize(m.role)}</td><td>{m.title}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canInvite && (
        <>
          <h2>Invitations</h2>
          <ul className="plain">
            {workspace.invitations.nodes.map((i) => (
              <li key={i.id} className="row">
                {i.email} · {humanize(i.role)} · {i.revoked ? "revoked" : `valid until ${new Date(i.expiresAt).toLocaleDateString()}`}
                {!i.revoked && (
                  <button type="button" className="button small secondary" onClick={async () => {
                    const r = await revoke({ input: { id: i.id } });
                    setErrors(mutationErrors(r, r.data?.revokeInvitation));
                    refresh();
                  }}>Revoke</button>
                )}
              </li>
            ))}
          </ul>
          <form className="card form" aria-label="Invite someone" onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            const email = String(data.get("email") ?? "").trim();
            const r = await invite({ input: { workspaceId: ws, email, role: data.get("role") as (typeof ROLES)[number] } });
            const left = mutationErrors(r, r.data?.inviteMember);
            setErrors(left);
            setSent(left.length ? null : email);
            if (!left.length) form.reset();
            refresh();
          }}>
            <h2>Invite someone</h2>
            <label>Email <input name="email" type="email" required /></label>
            <label>Role <select name="role" defaultValue="CUSTOMER_BUYER">{ROLES.map((r) => <option key={r} value={r}>{humanize(r)}</option>)}</select></label>
            <FieldErrors errors={errors} />
            {sent && <p role="status" className="success">Invitation sent to {sent}.</p>}
            <button type="submit" className="button">Send invitation</button>
          </form>
        </>
      )}
    </div>
  );
}
