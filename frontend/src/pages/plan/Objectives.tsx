// The plan's objectives, each with its measures: titles are edited in place (a conflicting save
// asks which version to keep), status and a measure's current value are updated directly.
import { useState } from "react";
import { useMutation } from "urql";

import { formatNumber, humanize } from "../../api/ids";
import { AddForm, chosenVisibility, VisibilityChoice } from "../../components/forms";
import { FieldErrors, InternalBadge, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { saveVersioned, useConflict } from "../../live/useConflict";
import type { AccountPlan } from "./types";

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
        ...UserErrorFields
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
        ...UserErrorFields
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
        ...UserErrorFields
      }
    }
  }
`);

const STATUSES = ["NOT_STARTED", "ON_TRACK", "AT_RISK", "OFF_TRACK", "ACHIEVED"] as const;

type Objective = {
  id: string;
  version: number;
  title: string;
  status: string;
  visibility: string;
  viewerCan: { edit: boolean };
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
          {objective.viewerCan.edit && (
            <button type="button" className="link" onClick={startEditing}
              aria-label={`Edit the title of ${objective.title}`}>Edit</button>
          )}
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
        <select value={objective.status} disabled={!objective.viewerCan.edit} onChange={(e) => change(e.target.value)}>
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

export function Objectives({ planId, objectives, canAdd, onSaved }: {
  planId: string;
  canAdd: boolean;
  objectives: AccountPlan["objectives"]["nodes"];
  onSaved: () => void;
}) {
  const [, createObjective] = useMutation(CREATE_OBJECTIVE);
  return (
    <section aria-labelledby="objectives-h">
      <h2 id="objectives-h">Objectives</h2>
      <ul className="objectives">
        {objectives.map((objective) => (
          <li key={objective.id} className="card objective" data-testid="objective">
            <ObjectiveTitle objective={objective} onSaved={onSaved} />
            <p className="muted">
              {humanize(objective.side)} objective{objective.owner ? ` · owner ${objective.owner.displayName}` : ""}
            </p>
            <ObjectiveStatus objective={objective} onSaved={onSaved} />
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
                      <td>{m.viewerCan.edit ? <MeasureCurrent measure={m} onSaved={onSaved} /> : <>{formatNumber(m.current)} {m.unit}</>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
      {canAdd && <AddForm label="Add objective" onAdd={async (data) => {
        const r = await createObjective({ input: {
          planId,
          side: (data.get("side") as "CUSTOMER" | "SUPPLIER") ?? "CUSTOMER",
          title: String(data.get("title") ?? ""),
          visibility: chosenVisibility(data),
        } });
        onSaved();
        return mutationErrors(r, r.data?.createObjective);
      }}>
        <label>New objective <input name="title" required /></label>
        <label className="inline">Side <select name="side" defaultValue="CUSTOMER"><option value="CUSTOMER">Customer</option><option value="SUPPLIER">Supplier</option></select></label>
        <VisibilityChoice usual="SHARED" />
      </AddForm>}
    </section>
  );
}
