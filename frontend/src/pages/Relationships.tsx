// The relationship map: the customer's people as an org chart. Supplier users also see each
// contact's stance and how strong our relationships with them are (internal data).
import { useParams } from "react-router-dom";
import { useQuery } from "urql";

import { globalId, humanize } from "../api/ids";
import { ErrorMessage, InternalBadge, Loading } from "../components/status";
import { graphql } from "../gql";
import { useWorkspaceEvents } from "../live/live";
import { useCan } from "../live/permissions";

// The elements this page shows: changes to others do not refetch it.
const MAP_TYPES = ["Contact", "Relationship"];

const CONTACTS = graphql(`
  query Contacts($ws: ID!) {
    contacts(workspaceId: $ws, first: 100) {
      nodes {
        id
        name
        title
        buyingRole
        influence
        stance
        visibility
        reportsTo {
          id
        }
        relationships(first: 20) {
          nodes {
            id
            strength
            supplierUser {
              displayName
            }
          }
        }
      }
    }
  }
`);

type Contact = {
  id: string;
  name: string;
  title: string;
  buyingRole: string;
  influence: number;
  stance?: string | null;
  visibility: string;
  reportsTo?: { id: string } | null;
  relationships: { nodes: { id: string; strength: number; supplierUser?: { displayName: string } | null }[] };
};

function Strength({ value }: { value: number }) {
  return (
    <span className="strength" aria-label={`Relationship strength ${value} of 5`}>
      {"●".repeat(value)}
      <span className="muted">{"○".repeat(Math.max(0, 5 - value))}</span>
    </span>
  );
}

function Node({ contact, byManager, supplier }: { contact: Contact; byManager: Map<string, Contact[]>; supplier: boolean }) {
  const reports = byManager.get(contact.id) ?? [];
  return (
    <li>
      <div className={`person ${supplier && contact.stance ? `stance-${contact.stance.toLowerCase()}` : ""}`} data-testid="contact">
        <strong>{contact.name}</strong> <InternalBadge visibility={contact.visibility} />
        <div className="muted">{contact.title}</div>
        <div className="muted">{humanize(contact.buyingRole)} · influence {contact.influence}</div>
        {supplier && (
          <div className="internal-detail">
            {contact.stance && <div>Stance: <strong>{humanize(contact.stance)}</strong></div>}
            {contact.relationships.nodes.map((r) => (
              <div key={r.id}>{r.supplierUser?.displayName}: <Strength value={r.strength} /></div>
            ))}
          </div>
        )}
      </div>
      {reports.length > 0 && (
        <ul>
          {reports.map((c) => <Node key={c.id} contact={c} byManager={byManager} supplier={supplier} />)}
        </ul>
      )}
    </li>
  );
}

export function Relationships() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  // Stance and strength are the supplier's internal view: shown to those who may read it.
  const supplier = useCan("account:internal:read");
  const [result, reexecute] = useQuery({ query: CONTACTS, variables: { ws } });
  useWorkspaceEvents(ws, () => reexecute({ requestPolicy: "network-only" }), MAP_TYPES);
  if (result.fetching && !result.data) return <Loading what="the relationship map" />;
  if (result.error) return <ErrorMessage error={result.error} retry={() => reexecute()} />;
  const contacts = (result.data?.contacts.nodes ?? []) as Contact[];
  const ids = new Set(contacts.map((c) => c.id));
  const byManager = new Map<string, Contact[]>();
  const roots: Contact[] = [];
  for (const c of contacts) {
    const manager = c.reportsTo?.id;
    if (manager && ids.has(manager)) byManager.set(manager, [...(byManager.get(manager) ?? []), c]);
    else roots.push(c);
  }
  return (
    <div className="page">
      <h1>Relationship map</h1>
      {supplier && <p className="muted">Stance and relationship strength are internal: the customer never sees them.</p>}
      {contacts.length === 0 ? <p className="empty">No contacts yet.</p> : (
        <ul className="orgchart" aria-label="Org chart">
          {roots.map((c) => <Node key={c.id} contact={c} byManager={byManager} supplier={supplier} />)}
        </ul>
      )}
    </div>
  );
}
