// The contingency plan: the supplier's plan B if the account is lost. The supplier reads and
// edits it; the customer reads trigger and response only, and only once it is shared.
import { useState } from "react";
import { useMutation } from "urql";

import { formatNumber } from "../../api/ids";
import { FieldErrors, InternalBadge, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { useCan } from "../../live/permissions";

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
        ...UserErrorFields
      }
    }
  }
`);

type ContingencyPlan = {
  version: number;
  revenueAtRisk: string;
  trigger: string;
  response: string;
  visibility: string;
  viewerCan: { edit: boolean };
};

/** The supplier's plan B if the account is lost: internal unless the KAM shares it. */
function ContingencyEditor({ planId, current, onSaved }: { planId: string; current: ContingencyPlan | null; onSaved: () => void }) {
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

export function Contingency({ planId, current, canAdd, onSaved }: { planId: string; current: ContingencyPlan | null; canAdd: boolean; onSaved: () => void }) {
  // Setting it is the supplier's: it needs the supplier's internal view as well as the plan.
  const internal = useCan("account:internal:read");
  const editable = current ? current.viewerCan.edit : canAdd && internal;
  return (
    <>
      {editable && <ContingencyEditor planId={planId} current={current} onSaved={onSaved} />}
      {!editable && current && (
        <section className="card" aria-labelledby="contingency-h">
          <h2 id="contingency-h">Contingency plan</h2>
          <p><strong>Trigger:</strong> {current.trigger}</p>
          <p><strong>Response:</strong> {current.response}</p>
        </section>
      )}
    </>
  );
}
