// Replenishment proposals: per location, each line with its product, quantity and why; the
// customer's approvers approve, modify or reject each line and submit the decisions at once
// (where the API allows: `viewerCanDecide`). A stale proposal is a CONFLICT: the user sees
// their decisions beside the current proposal and chooses.
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";

import { formatDateTime, globalId, humanize } from "../../api/ids";
import { ErrorMessage, FieldErrors, Loading, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { useWorkspaceEvents } from "../../live/live";
import { useConflict } from "../../live/useConflict";
import { ExplanationView } from "./Explanation";
import { decisionsFor, describeDecisions, type Choice, type LineDecisionInput } from "./logic";
import { StockTabs } from "./StockTabs";

const TYPES = ["ReplenishmentProposal", "ProposalLine", "Order"];

export const ProposalFields = graphql(`
  fragment ProposalFields on ReplenishmentProposal {
    id
    version
    status
    createdAt
    decidedAt
    decidedBy {
      displayName
    }
    viewerCanDecide
    location {
      id
      name
    }
    orders {
      id
      number
      status
    }
    lines(first: 100) {
      nodes {
        id
        quantity
        approvedQuantity
        status
        viewerCanDecide
        product {
          id
          sku
          name
          packMultiple
          minOrderQty
        }
        explanation {
          method
          inputs {
            name
            value
          }
          steps {
            name
            formula
            value
          }
          quantity
          note
          daysOfSupply
          stockoutDate
          decision {
            quantity
            warnings
          }
        }
      }
    }
  }
`);

const PROPOSALS = graphql(`
  query Proposals($ws: ID!, $status: ProposalStatus) {
    replenishmentProposals(workspaceId: $ws, status: $status, first: 50) {
      nodes {
        ...ProposalFields
      }
    }
  }
`);

const DECIDE = graphql(`
  mutation DecideProposal($input: DecideProposalInput!) {
    decideProposal(input: $input) {
      proposal {
        ...ProposalFields
      }
      order {
        id
        number
        status
      }
      warnings {
        lineId
        messages
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

type Proposal = NonNullable<ReturnType<typeof useProposals>["data"]>["replenishmentProposals"]["nodes"][number];

function useProposals(ws: string, status: "OPEN" | "DECIDED") {
  const [result, reexecute] = useQuery({ query: PROPOSALS, variables: { ws, status } });
  return { ...result, refresh: () => reexecute({ requestPolicy: "network-only" }) };
}

const lineLabel = (line: { product?: { sku: string; name: string } | null }) =>
  line.product ? `${line.product.sku} ${line.product.name}` : "a product";

type Placed = { location: string; number: string; warnings: string[] };

function PlacedNotice({ placed }: { placed: Placed }) {
  const workspaceId = useParams().workspaceId;
  return (
    <p className="success" role="status" data-testid="decided">
      Decisions on {placed.location} saved.{placed.number ? ` Order ${placed.number} placed.` : " Nothing was ordered."}{" "}
      {placed.number && <Link to={`/w/${workspaceId}/stock/orders`}>See the orders</Link>}
      {placed.warnings.length > 0 && <span className="muted"> {placed.warnings.join(" ")}</span>}
    </p>
  );
}

function ProposalCard({ proposal, onDone, onDecided }: { proposal: Proposal; onDone: () => void; onDecided: (placed: Placed) => void }) {
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [errors, setErrors] = useState<UserError[]>([]);
  const [sending, setSending] = useState(false);
  const [, decide] = useMutation(DECIDE);
  const { dialog, choose } = useConflict();
  const lines = proposal.lines.nodes;
  const decidable = proposal.viewerCanDecide && lines.some((l) => l.viewerCanDecide);
  const label = (id: string) => lineLabel(lines.find((l) => l.id === id) ?? {});
  const set = (id: string, change: Choice) => setChoices((all) => ({ ...all, [id]: { ...all[id], ...change } }));

  async function send(version: number, decided: LineDecisionInput[]): Promise<void> {
    const r = await decide({ input: { id: proposal.id, version, lines: decided } });
    const payload = r.data?.decideProposal;
    const left = mutationErrors(r, payload);
    const conflict = left.find((e) => e.code === "CONFLICT");
    if (conflict && payload?.proposal) {
      const current = payload.proposal;
      const theirs = current.status === "DECIDED"
        ? `Already decided by ${current.decidedBy?.displayName ?? "someone"}:\n` +
          current.lines.nodes.map((l) => `${lineLabel(l)}: ${humanize(l.status).toLowerCase()}${l.approvedQuantity != null ? ` ${l.approvedQuantity}` : ""}`).join("\n")
        : current.lines.nodes.map((l) => `${lineLabel(l)}: ${l.quantity} proposed (${humanize(l.status).toLowerCase()})`).join("\n");
      const choice = current.status === "OPEN" ? await choose("decisions", describeDecisions(decided, label), theirs) : "theirs";
      if (choice === "mine") return send(current.version, decided);
      setErrors(current.status === "OPEN" ? [] : [{ code: "CONFLICT", message: conflict.message }]);
      onDone();
      return;
    }
    setErrors(left);
    if (!left.length) {
      const warnings = (payload?.warnings ?? []).flatMap((w) => w.messages.map((m) => `${label(w.lineId)}: ${m}`));
      onDecided({ location: proposal.location?.name ?? "the location", number: payload?.order?.number ?? "", warnings });
      setChoices({});
      onDone();
    }
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const chosen = decisionsFor(lines.map((l) => ({ id: l.id, label: lineLabel(l), waiting: l.viewerCanDecide })), choices);
    if ("errors" in chosen) return setErrors(chosen.errors.map((message) => ({ code: "INVALID", message })));
    setSending(true);
    try {
      await send(proposal.version, chosen.lines);
    } finally {
      setSending(false);
    }
  }

  return (
    <li className="card" data-testid="proposal" data-location={proposal.location?.name}>
      {dialog}
      <h2>{proposal.location?.name ?? "A location"}</h2>
      <p className="muted">
        Proposed {formatDateTime(proposal.createdAt)} · {humanize(proposal.status)}
        {proposal.decidedAt ? ` · decided ${formatDateTime(proposal.decidedAt)}${proposal.decidedBy ? ` by ${proposal.decidedBy.displayName}` : ""}` : ""}
      </p>
      <form onSubmit={submit} aria-label={`Decide the proposal for ${proposal.location?.name ?? "the location"}`}>
        <ul className="plain">
          {lines.map((line) => {
            const name = lineLabel(line);
            const choice = choices[line.id] ?? {};
            return (
              <li key={line.id} className="card proposal-line" data-testid="proposal-line" data-sku={line.product?.sku}>
                <div>
                  <strong>{name}</strong>
                  <div>
                    <strong data-testid="proposed-quantity">{line.quantity}</strong> units proposed
                    {line.product ? <span className="muted"> · packs of {line.product.packMultiple}, minimum {line.product.minOrderQty}</span> : null}
                    {line.status !== "PROPOSED" && (
                      <span className="badge">{humanize(line.status)}{line.approvedQuantity != null ? ` · ${line.approvedQuantity}` : ""}</span>
                    )}
                  </div>
                  <ExplanationView explanation={line.explanation} product={name} />
                </div>
                {decidable && line.viewerCanDecide && (
                  <fieldset className="decision">
                    <legend className="sr-only">Decision on {name}</legend>
                    {(["APPROVE", "MODIFY", "REJECT"] as const).map((d) => (
                      <label key={d} className="inline">
                        <input type="radio" name={`decision-${line.id}`} value={d} checked={choice.decision === d}
                          aria-label={`${humanize(d)} ${name}`} onChange={() => set(line.id, d === "MODIFY" && choice.quantity === undefined ? { decision: d, quantity: String(line.quantity) } : { decision: d })} />
                        {humanize(d)}
                      </label>
                    ))}
                    {choice.decision === "MODIFY" && (
                      <label className="inline">
                        Quantity
                        <input className="number" inputMode="numeric" aria-label={`Quantity of ${name}`}
                          value={choice.quantity ?? ""} onChange={(e) => set(line.id, { quantity: e.target.value })} />
                      </label>
                    )}
                  </fieldset>
                )}
              </li>
            );
          })}
        </ul>
        <FieldErrors errors={errors} />
        {decidable && (
          <div className="actions">
            <button type="button" className="button secondary"
              onClick={() => setChoices(Object.fromEntries(lines.filter((l) => l.viewerCanDecide).map((l) => [l.id, { decision: "APPROVE" as const }])))}>
              Approve all
            </button>
            <button type="submit" className="button" disabled={sending}>Submit decisions</button>
          </div>
        )}
      </form>
      {proposal.orders.length > 0 && (
        <p className="muted">
          Orders: {proposal.orders.map((o) => `${o.number} (${humanize(o.status).toLowerCase()})`).join(", ")}
        </p>
      )}
    </li>
  );
}

export function Proposals() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [status, setStatus] = useState<"OPEN" | "DECIDED">("OPEN");
  const [placed, setPlaced] = useState<Placed | null>(null);
  const result = useProposals(ws, status);
  useWorkspaceEvents(ws, result.refresh, TYPES);
  const proposals = result.data?.replenishmentProposals.nodes ?? [];
  return (
    <div className="page">
      <StockTabs />
      <div className="page-head">
        <h1>Replenishment proposals</h1>
        <label className="inline">
          Show{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as "OPEN" | "DECIDED")}>
            <option value="OPEN">Waiting for a decision</option>
            <option value="DECIDED">Decided</option>
          </select>
        </label>
      </div>
      {placed && <PlacedNotice placed={placed} />}
      {result.fetching && !result.data ? (
        <Loading what="proposals" />
      ) : result.error ? (
        <ErrorMessage error={result.error} retry={result.refresh} />
      ) : proposals.length === 0 ? (
        <p className="empty">{status === "OPEN" ? "No proposal waits for a decision." : "No proposal was decided yet."}</p>
      ) : (
        <ul className="plain">
          {proposals.map((p) => <ProposalCard key={p.id} proposal={p} onDone={result.refresh} onDecided={setPlaced} />)}
        </ul>
      )}
    </div>
  );
}
