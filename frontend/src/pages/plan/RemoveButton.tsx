// Removing an element of the plan (a SWOT entry, an initiative).
import { useMutation } from "urql";

import { mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";

const DELETE_ELEMENT = graphql(`
  mutation DeletePlanElement($input: PlanIdInput!) {
    deletePlanElement(input: $input) {
      deletedId
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** Removing an element: confirmed first, refused ones say why. */
export function RemoveButton({ id, label, onDone }: { id: string; label: string; onDone: (errors: UserError[]) => void }) {
  const [, remove] = useMutation(DELETE_ELEMENT);
  return (
    <button type="button" className="link" aria-label={`Remove ${label}`} onClick={async () => {
      if (!window.confirm(`Remove “${label}”?`)) return;
      const r = await remove({ input: { id } });
      onDone(mutationErrors(r, r.data?.deletePlanElement));
    }}>Remove</button>
  );
}
