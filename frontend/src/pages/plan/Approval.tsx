// The approval flow: who decided what, submitting the plan, approving or rejecting it. The
// errors shown here are the page's: a refused removal elsewhere on the plan reports here too.
import { useMutation } from "urql";

import { humanize } from "../../api/ids";
import { FieldErrors, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { useCan } from "../../live/permissions";
import type { AccountPlan } from "./types";

const SUBMIT = graphql(`
  mutation SubmitPlan($input: PlanVersionInput!) {
    submitAccountPlan(input: $input) {
      plan {
        id
        status
      }
      errors {
        ...UserErrorFields
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
        ...UserErrorFields
      }
    }
  }
`);

export function Approval({ plan, errors, onErrors, onChanged }: {
  plan: Pick<AccountPlan, "id" | "version" | "status" | "approvals">;
  errors: UserError[];
  onErrors: (errors: UserError[]) => void;
  onChanged: () => void;
}) {
  const [, submit] = useMutation(SUBMIT);
  const [, decide] = useMutation(DECIDE);
  const canSubmit = useCan("plan:submit");
  const canDecide = useCan("plan:approve");
  return (
    <section className="card" aria-labelledby="approval-h">
      <h2 id="approval-h">Approval</h2>
      <ul className="plain">
        {plan.approvals.map((a, i) => (
          <li key={i}>{humanize(a.side)}: {humanize(a.decision)} by {a.approver?.displayName} {a.comment && `— ${a.comment}`}</li>
        ))}
      </ul>
      <div className="actions">
        {canSubmit && (plan.status === "DRAFT" || plan.status === "REJECTED") ? (
          <button type="button" className="button" onClick={async () => {
            const r = await submit({ input: { id: plan.id, version: plan.version } });
            onErrors(mutationErrors(r, r.data?.submitAccountPlan));
            onChanged();
          }}>Submit for approval</button>
        ) : null}
        {canDecide && plan.status === "SUBMITTED" && (
          <>
            <button type="button" className="button" onClick={async () => {
              const r = await decide({ input: { id: plan.id, decision: "APPROVED" } });
              onErrors(mutationErrors(r, r.data?.decideAccountPlan));
              onChanged();
            }}>Approve</button>
            <button type="button" className="button secondary" onClick={async () => {
              const comment = window.prompt("Why do you reject the plan?") ?? "";
              const r = await decide({ input: { id: plan.id, decision: "REJECTED", comment } });
              onErrors(mutationErrors(r, r.data?.decideAccountPlan));
              onChanged();
            }}>Reject</button>
          </>
        )}
      </div>
      <FieldErrors errors={errors} />
    </section>
  );
}
