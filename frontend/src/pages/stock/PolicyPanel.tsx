// A stock policy with each parameter's owner side: the viewer sets what its side owns
// (`viewerOwns`), proposes a change of the rest (`viewerCanPropose`), and decides or withdraws
// the change requests as the API allows (`viewerCanDecide`, `viewerCan.delete`).
import { useState } from "react";
import { useMutation } from "urql";

import { humanize } from "../../api/ids";
import { FieldErrors, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { saveVersioned, useConflict } from "../../live/useConflict";
import { PARAMETERS, parameterAccess, parseParameter, showValue, type Parameter } from "./logic";

export const POLICY_FIELDS = graphql(`
  fragment PolicyFields on StockPolicy {
    id
    version
    method
    minQty
    maxQty
    serviceLevel
    reviewPeriodDays
    leadTimeDays
    leadTimeSdDays
    demandWindowDays
    autoApproveMaxQty
    active
    owners {
      field
      side
    }
    viewerOwns
    viewerCanPropose
    parameterChanges(status: PROPOSED, first: 50) {
      nodes {
        id
        field
        proposedValue
        currentValue
        reason
        status
        proposedBy {
          displayName
        }
        viewerCanDecide
        viewerCan {
          delete
        }
      }
    }
  }
`);

const UPDATE = graphql(`
  mutation UpdateStockPolicy($input: UpdateStockPolicyInput!) {
    updateStockPolicy(input: $input) {
      policy {
        ...PolicyFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const PROPOSE = graphql(`
  mutation ProposeParameterChange($input: ProposeParameterChangeInput!) {
    proposeParameterChange(input: $input) {
      change {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const ACCEPT = graphql(`
  mutation AcceptParameterChange($input: ParameterChangeIdInput!) {
    acceptParameterChange(input: $input) {
      change {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const REFUSE = graphql(`
  mutation RefuseParameterChange($input: ParameterChangeIdInput!) {
    refuseParameterChange(input: $input) {
      change {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const WITHDRAW = graphql(`
  mutation WithdrawParameterChange($input: ParameterChangeIdInput!) {
    withdrawParameterChange(input: $input) {
      change {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export type Policy = {
  id: string;
  version: number;
  method: string;
  active: boolean;
  owners: readonly { field: string; side: string }[];
  viewerOwns: readonly string[];
  viewerCanPropose: boolean;
  parameterChanges: {
    nodes: readonly {
      id: string;
      field: string;
      proposedValue?: string | null;
      currentValue?: string | null;
      reason: string;
      proposedBy?: { displayName: string } | null;
      viewerCanDecide: boolean;
      viewerCan: { delete: boolean };
    }[];
  };
} & Record<string, unknown>;

function valueText(policy: Policy, field: string, parameter: Parameter): string {
  const value = policy[field];
  if (parameter === "METHOD") return humanize(String(value));
  if (parameter === "SERVICE_LEVEL" && value != null) return `${showValue(Number(value) * 100)} %`;
  if (value == null) return parameter === "LEAD_TIME_DAYS" || parameter === "LEAD_TIME_SD_DAYS" ? "the product's" : "–";
  return showValue(value);
}

function label(parameter: string): string {
  return PARAMETERS.find((p) => p.parameter === parameter)?.label ?? humanize(parameter);
}

export function PolicyPanel({ policy, onSaved }: { policy: Policy; onSaved: () => void }) {
  const [open, setOpen] = useState<{ parameter: Parameter; mode: "edit" | "propose" } | null>(null);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [, update] = useMutation(UPDATE);
  const [, propose] = useMutation(PROPOSE);
  const [, accept] = useMutation(ACCEPT);
  const [, refuse] = useMutation(REFUSE);
  const [, withdraw] = useMutation(WITHDRAW);
  const { dialog, choose } = useConflict();
  const ownerOf = (parameter: string) => policy.owners.find((o) => o.field === parameter)?.side;

  async function submit(event: React.FormEvent<HTMLFormElement>, parameter: Parameter, mode: "edit" | "propose") {
    event.preventDefault();
    const spec = PARAMETERS.find((p) => p.parameter === parameter)!;
    const data = new FormData(event.currentTarget);
    const parsed = parseParameter(spec.kind, spec.optional, String(data.get("value") ?? ""));
    if ("error" in parsed) return setErrors([{ field: spec.label, code: "INVALID", message: parsed.error }]);
    let left: UserError[];
    if (mode === "edit") {
      left = await saveVersioned({
        field: spec.field,
        value: String(parsed.value ?? ""),
        version: policy.version,
        choose,
        send: async (version) => {
          const r = await update({ input: { id: policy.id, version, [spec.field]: parsed.value } });
          const p = r.data?.updateStockPolicy;
          return { errors: mutationErrors(r, p), current: p?.policy as (Policy & { version: number }) | null | undefined };
        },
      });
    } else {
      const r = await propose({
        input: { policyId: policy.id, parameter, value: parsed.value == null ? null : String(parsed.value), reason: String(data.get("reason") ?? "") },
      });
      left = mutationErrors(r, r.data?.proposeParameterChange);
    }
    setErrors(left);
    if (!left.length) setOpen(null);
    onSaved();
  }

  async function decide(action: "accept" | "refuse" | "withdraw", id: string) {
    const input = { input: { id } };
    if (action === "accept") {
      const r = await accept(input);
      setErrors(mutationErrors(r, r.data?.acceptParameterChange));
    } else if (action === "refuse") {
      const r = await refuse(input);
      setErrors(mutationErrors(r, r.data?.refuseParameterChange));
    } else {
      const r = await withdraw(input);
      setErrors(mutationErrors(r, r.data?.withdrawParameterChange));
    }
    onSaved();
  }

  const changes = policy.parameterChanges.nodes;
  return (
    <section className="card" aria-labelledby="policy-title">
      {dialog}
      <h2 id="policy-title">Stock policy {!policy.active && <span className="badge">Inactive</span>}</h2>
      <table className="table" aria-label="Policy parameters">
        <thead>
          <tr><th scope="col">Parameter</th><th scope="col">Value</th><th scope="col">Set by</th><th scope="col"><span className="sr-only">Action</span></th></tr>
        </thead>
        <tbody>
          {PARAMETERS.map(({ parameter, label: name, field, kind }) => {
            const access = parameterAccess(policy, parameter);
            const editing = open?.parameter === parameter;
            const owner = ownerOf(parameter);
            return (
              <tr key={parameter} data-testid={`parameter-${parameter}`}>
                <th scope="row">{name}</th>
                <td>
                  {editing ? (
                    <form className="inline-form" aria-label={`${open.mode === "edit" ? "Set" : "Propose"} ${name}`}
                      onSubmit={(e) => submit(e, parameter, open.mode)}>
                      {kind === "method" ? (
                        <select name="value" aria-label={name} defaultValue={String(policy[field] ?? "")}>
                          <option value="REORDER_POINT">Reorder point</option>
                          <option value="MIN_MAX">Min max</option>
                        </select>
                      ) : (
                        <input name="value" aria-label={name} className="number" inputMode="decimal"
                          defaultValue={policy[field] == null ? "" : String(policy[field])} />
                      )}
                      {open.mode === "propose" && <input name="reason" aria-label="Reason" placeholder="Why" />}
                      <button type="submit" className="button small">{open.mode === "edit" ? "Save" : "Propose"}</button>
                      <button type="button" className="button small secondary" onClick={() => { setOpen(null); setErrors([]); }}>Cancel</button>
                    </form>
                  ) : (
                    valueText(policy, field, parameter)
                  )}
                </td>
                <td>{owner ? humanize(owner) : "–"}</td>
                <td>
                  {!editing && access === "edit" && (
                    <button type="button" className="button small secondary" aria-label={`Change ${name}`}
                      onClick={() => { setErrors([]); setOpen({ parameter, mode: "edit" }); }}>Change</button>
                  )}
                  {!editing && access === "propose" && (
                    <button type="button" className="button small secondary" aria-label={`Propose a change of ${name}`}
                      onClick={() => { setErrors([]); setOpen({ parameter, mode: "propose" }); }}>Propose a change</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldErrors errors={errors} />
      <h3>Change requests</h3>
      {changes.length === 0 ? (
        <p className="empty">No change waits for a decision.</p>
      ) : (
        <ul className="plain" aria-label="Change requests">
          {changes.map((c) => (
            <li key={c.id} className="card" data-testid="change-request">
              <strong>{label(c.field)}</strong>: {showValue(c.currentValue)} → {showValue(c.proposedValue)}
              <div className="muted">
                Proposed by {c.proposedBy?.displayName ?? "someone"}{c.reason ? `: “${c.reason}”` : ""}
              </div>
              <div className="actions">
                {c.viewerCanDecide && (
                  <>
                    <button type="button" className="button small"
                      onClick={() => decide("accept", c.id)}>
                      Accept
                    </button>
                    <button type="button" className="button small secondary"
                      onClick={() => decide("refuse", c.id)}>
                      Refuse
                    </button>
                  </>
                )}
                {c.viewerCan.delete && (
                  <button type="button" className="button small secondary"
                    onClick={() => decide("withdraw", c.id)}>
                    Withdraw
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
