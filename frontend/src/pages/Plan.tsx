// The account plan editor: objectives with measures, SWOT, initiatives, the contingency plan
// and the approval flow, plus the forecast chart. Both sides edit at once: others' changes
// arrive live, a conflicting save asks the user which version to keep.
import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";

import { formatNumber, globalId, humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, mutationErrors, InternalBadge, Loading, type UserError } from "../components/status";
import { graphql } from "../gql";
import { useWorkspaceEvents, Viewers } from "../live/live";
import { saveVersioned, useConflict } from "../live/useConflict";
import { useIsSupplier, useViewer } from "../live/viewer";
import { ForecastChart } from "./plan/ForecastChart";

const PLAN = graphql(`
  query Plan($ws: ID!) {
    accountPlans(workspaceId: $ws, first: 1) {
      nodes {
        id
        version
        title
        period
        status
        stage
        summary
        approvals {
          side
          decision
          comment
          approver {
            displayName
          }
        }
        objectives(first: 100) {
          nodes {
            id
            version
            side
            title
            status
            visibility
            owner {
              displayName
            }
            measures {
              id
              version
              name
              target
              current
              unit
              progressPct
              visibility
            }
          }
        }
        swot(first: 100) {
          nodes {
            id
            kind
            text
            visibility
          }
        }
        initiatives(first: 100) {
          nodes {
            id
            title
            team
            description
            visibility
            owner {
              displayName
            }
          }
        }
        contingency {
          id
          version
          revenueAtRisk
          trigger
          response
          visibility
        }
      }
    }
  }
`);

const FORECAST = graphql(`
  query PlanForecast($ws: ID!, $year: Int!) {
    forecast(workspaceId: $ws, year: $year) {
      year
      ytdAttainmentPct
      goalAttainmentPct
      months {
        month
        forecast
        actual
        flagged
      }
    }
  }
`);

/** The forecast of the plan's year, refreshed with the page. */
function PlanForecast({ ws, year, version }: { ws: string; year: number; version: number }) {
  const [result, reexecute] = useQuery({ query: FORECAST, variables: { ws, year } });
  useEffect(() => {
    if (version) reexecute({ requestPolicy: "network-only" });
  }, [version, reexecute]);
  if (result.fetching && !result.data) return <Loading what="the forecast" />;
  if (result.error) return <ErrorMessage error={result.error} />;
  const forecast = result.data!.forecast;
  return (
    <section className="card" aria-labelledby="forecast-h">
      <h2 id="forecast-h">Forecast against actuals {forecast.year}</h2>
      <p>
        Year to date <strong>{forecast.ytdAttainmentPct ?? "–"}%</strong> of forecast,{" "}
        <strong>{forecast.goalAttainmentPct ?? "–"}%</strong> of the annual goal.
      </p>
      <ForecastChart months={forecast.months} title={`Forecast and actual sales per month, ${forecast.year}`} />
    </section>
  );
}

const UPDATE_OBJECTIVE = graphql(`
  mutation UpdateObjective($input: UpdateObjectiveInput!) {
    updateObjective(input: $input) {
      objective {
        id
        version
        title
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const CREATE_OBJECTIVE = graphql(`
  mutation CreateObjective($input: CreateObjectiveInput!) {
    createObjective(input: $input) {
      objective {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const CREATE_SWOT = graphql(`
  mutation CreateSwot($input: CreateSwotEntryInput!) {
    createSwotEntry(input: $input) {
      entry {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const CREATE_INITIATIVE = graphql(`
  mutation CreateInitiative($input: CreateInitiativeInput!) {
    createInitiative(input: $input) {
      initiative {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const UPDATE_MEASURE = graphql(`
  mutation UpdateMeasure($input: UpdateMeasureInput!) {
    updateMeasure(input: $input) {
      measure {
        id
        version
        current
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const SET_CONTINGENCY = graphql(`
  mutation SetContingency($input: SetContingencyPlanInput!) {
    setContingencyPlan(input: $input) {
      contingency {
        id
        version
        trigger
        response
        revenueAtRisk
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const DELETE_ELEMENT = graphql(`
  mutation DeletePlanElement($input: PlanIdInput!) {
    deletePlanElement(input: $input) {
      deletedId
      errors {
        field
        code
        message
      }
    }
  }
`);

/** Removing an element: confirmed first, refused ones say why. */
function RemoveButton({ id, label, onDone }: { id: string; label: string; onDone: (errors: UserError[]) => void }) {
  const [, remove] = useMutation(DELETE_ELEMENT);
  return (
    <button type="button" className="link" aria-label={`Remove ${label}`} onClick={async () => {
      if (!window.confirm(`Remove “${label}”?`)) return;
      const r = await remove({ input: { id } });
      onDone(mutationErrors(r, r.data?.deletePlanElement));
    }}>Remove</button>
  );
}

const SUBMIT = graphql(`
  mutation SubmitPlan($input: PlanVersionInput!) {
    submitAccountPlan(input: $input) {
      plan {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const DECIDE = graphql(`
  mutation DecidePlan($input: DecideAccountPlanInput!) {
    decideAccountPlan(input: $input) {
      plan {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const STATUSES = ["NOT_STARTED", "ON_TRACK", "AT_RISK", "OFF_TRACK", "ACHIEVED"] as const;
const SWOT_KINDS = ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"] as const;
const SWOT_TITLES: Record<string, string> = {
  STRENGTH: "Strengths",
  WEAKNESS: "Weaknesses",
  OPPORTUNITY: "Opportunities",
  THREAT: "Threats",
};
const TEAMS = ["PRODUCT_DEVELOPMENT", "QUALITY", "BRANDING", "SUPPLY_CHAIN", "OTHER"] as const;

type Objective = {
  id: string;
  version: number;
  title: string;
  status: string;
  visibility: string;
};

function ObjectiveTitle({ objective, onSaved }: { objective: Objective; onSaved: () => void }) {
  const [, update] = useMutation(UPDATE_OBJECTIVE);
  const [draft, setDraft] = useState<string | null>(null);
  // The version the draft started from: a live refresh while editing must not make the save
  // silently overwrite someone else's change.
  const [base, setBase] = useState(objective.version);
  const [errors, setErrors] = useState<UserError[]>([]);
  const { dialog, choose } = useConflict();
  const editing = draft !== null;
  const startEditing = () => {
    setBase(objective.version);
    setDraft(objective.title);
  };

  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (draft === null) return;
    const value = draft.trim();
    const left = await saveVersioned({
      field: "title",
      value,
      version: base,
      choose,
      send: async (version) => {
        const result = await update({ input: { id: objective.id, version, title: value } });
        const payload = result.data?.updateObjective;
        return payload ? { errors: payload.errors, current: payload.objective } : undefined;
      },
    });
    setErrors(left);
    if (!left.length) setDraft(null);
    onSaved();
  }

  return (
    <>
      {dialog}
      {editing ? (
        <form className="inline-form" onSubmit={save} aria-label={`Edit ${objective.title}`}>
          <label className="sr-only" htmlFor={`title-${objective.id}`}>Objective title</label>
          <input id={`title-${objective.id}`} value={draft} autoFocus onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setDraft(null)} />
          <button type="submit" className="button small">Save</button>
          <button type="button" className="button small secondary" onClick={() => setDraft(null)}>Cancel</button>
          {objective.version !== base && (
            <p className="muted" role="status" data-testid="changed-meanwhile">
              Someone changed this since you started: saving will ask which version to keep.
            </p>
          )}
          <FieldErrors errors={errors} />
        </form>
      ) : (
        <h3 className="objective-title">
          <span data-testid="objective-title">{objective.title}</span> <InternalBadge visibility={objective.visibility} />{" "}
          <button type="button" className="link" onClick={startEditing}
            aria-label={`Edit the title of ${objective.title}`}>Edit</button>
        </h3>
      )}
    </>
  );
}

function ObjectiveStatus({ objective, onSaved }: { objective: Objective; onSaved: () => void }) {
  const [, update] = useMutation(UPDATE_OBJECTIVE);
  const [errors, setErrors] = useState<UserError[]>([]);
  const { dialog, choose } = useConflict();
  async function change(status: string) {
    const left = await saveVersioned({
      field: "status",
      value: status,
      version: objective.version,
      choose,
      send: async (version) => {
        const result = await update({ input: { id: objective.id, version, status: status as (typeof STATUSES)[number] } });
        const payload = result.data?.updateObjective;
        return payload ? { errors: payload.errors, current: payload.objective } : undefined;
      },
    });
    setErrors(left);
    onSaved();
  }
  return (
    <>
      {dialog}
      <label className="inline">
        Status{" "}
        <select value={objective.status} onChange={(e) => change(e.target.value)}>
          {STATUSES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
        </select>
      </label>
      <FieldErrors errors={errors} />
    </>
  );
}

function MeasureCurrent({ measure, onSaved }: { measure: { id: string; version: number; current: string; unit: string }; onSaved: () => void }) {
  const [, update] = useMutation(UPDATE_MEASURE);
  const [value, setValue] = useState(formatNumber(measure.current).replace(/,/g, ""));
  const [errors, setErrors] = useState<UserError[]>([]);
  async function save(event: React.FormEvent) {
    event.preventDefault();
    const result = await update({ input: { id: measure.id, version: measure.version, current: value } });
    setErrors(mutationErrors(result, result.data?.updateMeasure));
    onSaved();
  }
  return (
    <form className="inline-form" onSubmit={save}>
      <label className="inline">
        <span className="sr-only">Current value</span>
        <input className="number" value={value} onChange={(e) => setValue(e.target.value)} inputMode="decimal" /> {measure.unit}
      </label>
      <button type="submit" className="button small secondary">Update</button>
      <FieldErrors errors={errors} />
    </form>
  );
}

function AddForm({ label, onAdd, children }: { label: string; onAdd: (data: FormData) => Promise<UserError[]>; children: React.ReactNode }) {
  const [errors, setErrors] = useState<UserError[]>([]);
  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const left = await onAdd(new FormData(form));
    setErrors(left);
    if (!left.length) form.reset();
  }
  return (
    <form className="add-form" onSubmit={submit} aria-label={label}>
      {children}
      <button type="submit" className="button small">{label}</button>
      <FieldErrors errors={errors} />
    </form>
  );
}

function VisibilityChoice() {
  // Only the supplier may make something internal; the customer's elements are shared.
  return useIsSupplier() ? (
    <label className="inline">
      Visibility{" "}
      <select name="visibility" defaultValue="SHARED">
        <option value="SHARED">Shared with the customer</option>
        <option value="INTERNAL">Internal</option>
      </select>
    </label>
  ) : null;
}

type ContingencyPlan = {
  version: number;
  revenueAtRisk: string;
  trigger: string;
  response: string;
  visibility: string;
};

/** The supplier's plan B if the account is lost: internal unless the KAM shares it. */
function Contingency({ planId, current, onSaved }: { planId: string; current: ContingencyPlan | null; onSaved: () => void }) {
  const [, save] = useMutation(SET_CONTINGENCY);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [editing, setEditing] = useState(false);
  if (!editing) {
    return (
      <section className="card" aria-labelledby="contingency-h">
        <h2 id="contingency-h">Contingency plan <InternalBadge visibility={current?.visibility} /></h2>
        {current ? (
          <>
            <p><strong>Revenue at risk:</strong> {formatNumber(current.revenueAtRisk)}</p>
            <p><strong>Trigger:</strong> {current.trigger}</p>
            <p><strong>Response:</strong> {current.response}</p>
          </>
        ) : <p className="empty">No contingency plan yet.</p>}
        <button type="button" className="button small secondary" onClick={() => setEditing(true)}>
          {current ? "Edit the contingency plan" : "Write the contingency plan"}
        </button>
      </section>
    );
  }
  return (
    <form className="card form" aria-label="Contingency plan" onSubmit={async (event) => {
      event.preventDefault();
      const data = new FormData(event.currentTarget);
      const r = await save({ input: {
        planId,
        version: current?.version,
        revenueAtRisk: String(data.get("revenueAtRisk") ?? "") || undefined,
        trigger: String(data.get("trigger") ?? ""),
        response: String(data.get("response") ?? ""),
      } });
      const left = mutationErrors(r, r.data?.setContingencyPlan);
      setErrors(left);
      if (!left.length) setEditing(false);
      onSaved();
    }}>
      <h2>Contingency plan</h2>
      <label>Revenue at risk <input name="revenueAtRisk" inputMode="decimal" defaultValue={current ? formatNumber(current.revenueAtRisk).replace(/,/g, "") : ""} /></label>
      <label>Trigger <textarea name="trigger" rows={2} defaultValue={current?.trigger ?? ""} /></label>
      <label>Response <textarea name="response" rows={3} defaultValue={current?.response ?? ""} /></label>
      <FieldErrors errors={errors} />
      <div className="actions">
        <button type="submit" className="button">Save</button>
        <button type="button" className="button secondary" onClick={() => setEditing(false)}>Cancel</button>
      </div>
    </form>
  );
}

export function Plan() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const viewer = useViewer();
  const supplier = useIsSupplier();
  const [result, reexecute] = useQuery({ query: PLAN, variables: { ws } });
  const [changes, setChanges] = useState(0);
  const refresh = () => {
    reexecute({ requestPolicy: "network-only" });
    setChanges((n) => n + 1);
  };
  useWorkspaceEvents(ws, refresh);
  const [, createObjective] = useMutation(CREATE_OBJECTIVE);
  const [, createSwot] = useMutation(CREATE_SWOT);
  const [, createInitiative] = useMutation(CREATE_INITIATIVE);
  const [, submit] = useMutation(SUBMIT);
  const [, decide] = useMutation(DECIDE);
  const [flowErrors, setFlowErrors] = useState<UserError[]>([]);

  if (result.fetching && !result.data) return <Loading what="the account plan" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const plan = result.data?.accountPlans.nodes[0];
  if (!plan) return <p className="empty">This workspace has no account plan yet. The KAM drafts it.</p>;
  const visibility = (data: FormData) => (data.get("visibility") as "SHARED" | "INTERNAL" | null) ?? undefined;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>{plan.title}</h1>
          <p className="muted">
            {plan.period} · <span data-testid="plan-status">{humanize(plan.status)}</span> · {humanize(plan.stage)}
          </p>
        </div>
        <Viewers nodeId={plan.id} selfId={viewer.user?.id} />
      </header>
      {plan.summary && <p className="lead">{plan.summary}</p>}

      <section className="card" aria-labelledby="approval-h">
        <h2 id="approval-h">Approval</h2>
        <ul className="plain">
          {plan.approvals.map((a, i) => (
            <li key={i}>{humanize(a.side)}: {humanize(a.decision)} by {a.approver?.displayName} {a.comment && `— ${a.comment}`}</li>
          ))}
        </ul>
        <div className="actions">
          {plan.status === "DRAFT" || plan.status === "REJECTED" ? (
            <button type="button" className="button" onClick={async () => {
              const r = await submit({ input: { id: plan.id, version: plan.version } });
              setFlowErrors(mutationErrors(r, r.data?.submitAccountPlan));
              refresh();
            }}>Submit for approval</button>
          ) : null}
          {plan.status === "SUBMITTED" && (
            <>
              <button type="button" className="button" onClick={async () => {
                const r = await decide({ input: { id: plan.id, decision: "APPROVED" } });
                setFlowErrors(mutationErrors(r, r.data?.decideAccountPlan));
                refresh();
              }}>Approve</button>
              <button type="button" className="button secondary" onClick={async () => {
                const comment = window.prompt("Why do you reject the plan?") ?? "";
                const r = await decide({ input: { id: plan.id, decision: "REJECTED", comment } });
                setFlowErrors(mutationErrors(r, r.data?.decideAccountPlan));
                refresh();
              }}>Reject</button>
            </>
          )}
        </div>
        <FieldErrors errors={flowErrors} />
      </section>

      <section aria-labelledby="objectives-h">
        <h2 id="objectives-h">Objectives</h2>
        <ul className="objectives">
          {plan.objectives.nodes.map((objective) => (
            <li key={objective.id} className="card objective" data-testid="objective">
              <ObjectiveTitle objective={objective} onSaved={refresh} />
              <p className="muted">
                {humanize(objective.side)} objective{objective.owner ? ` · owner ${objective.owner.displayName}` : ""}
              </p>
              <ObjectiveStatus objective={objective} onSaved={refresh} />
              {objective.measures.length > 0 && (
                <table className="measures">
                  <caption className="sr-only">Measures of {objective.title}</caption>
                  <thead><tr><th scope="col">Measure</th><th scope="col">Target</th><th scope="col">Progress</th><th scope="col">Current</th></tr></thead>
                  <tbody>
                    {objective.measures.map((m) => (
                      <tr key={m.id}>
                        <td>{m.name} <InternalBadge visibility={m.visibility} /></td>
                        <td>{formatNumber(m.target)} {m.unit}</td>
                        <td>
                          <progress max={100} value={Math.max(0, Math.min(100, m.progressPct ?? 0))} aria-label={`${m.name} progress`} />{" "}
                          {m.progressPct === null || m.progressPct === undefined ? "–" : `${Math.round(m.progressPct)}%`}
                        </td>
                        <td><MeasureCurrent measure={m} onSaved={refresh} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          ))}
        </ul>
        <AddForm label="Add objective" onAdd={async (data) => {
          const r = await createObjective({ input: {
            planId: plan.id,
            side: (data.get("side") as "CUSTOMER" | "SUPPLIER") ?? "CUSTOMER",
            title: String(data.get("title") ?? ""),
            visibility: visibility(data),
          } });
          refresh();
          return mutationErrors(r, r.data?.createObjective);
        }}>
          <label>New objective <input name="title" required /></label>
          <label className="inline">Side <select name="side" defaultValue="CUSTOMER"><option value="CUSTOMER">Customer</option><option value="SUPPLIER">Supplier</option></select></label>
          <VisibilityChoice />
        </AddForm>
      </section>

      <section aria-labelledby="swot-h">
        <h2 id="swot-h">SWOT</h2>
        <div className="swot">
          {SWOT_KINDS.map((kind) => (
            <div key={kind} className="card">
              <h3>{SWOT_TITLES[kind]}</h3>
              <ul className="plain">
                {plan.swot.nodes.filter((s) => s.kind === kind).map((s) => (
                  <li key={s.id}>
                    {s.text} <InternalBadge visibility={s.visibility} />{" "}
                    <RemoveButton id={s.id} label={s.text} onDone={(e) => { setFlowErrors(e); refresh(); }} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
        <AddForm label="Add SWOT entry" onAdd={async (data) => {
          const r = await createSwot({ input: { planId: plan.id, kind: data.get("kind") as (typeof SWOT_KINDS)[number], text: String(data.get("text") ?? ""), visibility: visibility(data) } });
          refresh();
          return mutationErrors(r, r.data?.createSwotEntry);
        }}>
          <label className="inline">Kind <select name="kind">{SWOT_KINDS.map((k) => <option key={k} value={k}>{humanize(k)}</option>)}</select></label>
          <label>Entry <input name="text" required /></label>
          <VisibilityChoice />
        </AddForm>
      </section>

      <section aria-labelledby="initiatives-h">
        <h2 id="initiatives-h">Initiatives</h2>
        <ul className="plain">
          {plan.initiatives.nodes.map((i) => (
            <li key={i.id} className="card">
              <strong>{i.title}</strong> <InternalBadge visibility={i.visibility} />{" "}
              <RemoveButton id={i.id} label={i.title} onDone={(e) => { setFlowErrors(e); refresh(); }} />
              <span className="muted"> · {humanize(i.team)}{i.owner ? ` · ${i.owner.displayName}` : ""}</span>
              {i.description && <p>{i.description}</p>}
            </li>
          ))}
        </ul>
        <AddForm label="Add initiative" onAdd={async (data) => {
          const r = await createInitiative({ input: { planId: plan.id, title: String(data.get("title") ?? ""), team: data.get("team") as (typeof TEAMS)[number], visibility: visibility(data) } });
          refresh();
          return mutationErrors(r, r.data?.createInitiative);
        }}>
          <label>Initiative <input name="title" required /></label>
          <label className="inline">Team <select name="team">{TEAMS.map((t) => <option key={t} value={t}>{humanize(t)}</option>)}</select></label>
          <VisibilityChoice />
        </AddForm>
      </section>

      {supplier && <Contingency planId={plan.id} current={plan.contingency ?? null} onSaved={refresh} />}
      {!supplier && plan.contingency && (
        <section className="card" aria-labelledby="contingency-h">
          <h2 id="contingency-h">Contingency plan</h2>
          <p><strong>Trigger:</strong> {plan.contingency.trigger}</p>
          <p><strong>Response:</strong> {plan.contingency.response}</p>
        </section>
      )}

      <PlanForecast ws={ws} year={Number.parseInt(plan.period, 10) || new Date().getFullYear()} version={changes} />
    </div>
  );
}
