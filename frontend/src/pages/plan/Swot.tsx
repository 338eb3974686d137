// Strengths, weaknesses, opportunities and threats, as both sides see them.
import { useMutation } from "urql";

import { humanize } from "../../api/ids";
import { AddForm, chosenVisibility, VisibilityChoice } from "../../components/forms";
import { InternalBadge, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { RemoveButton } from "./RemoveButton";
import type { AccountPlan } from "./types";

const CREATE_SWOT = graphql(`
  mutation CreateSwot($input: CreateSwotEntryInput!) {
    createSwotEntry(input: $input) {
      entry {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const SWOT_KINDS = ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"] as const;
const SWOT_TITLES: Record<string, string> = {
  STRENGTH: "Strengths",
  WEAKNESS: "Weaknesses",
  OPPORTUNITY: "Opportunities",
  THREAT: "Threats",
};

export function Swot({ planId, entries, canAdd, onSaved, onRemoved }: {
  planId: string;
  entries: Pick<AccountPlan["swot"]["nodes"][number], "id" | "kind" | "text" | "visibility" | "viewerCan">[];
  canAdd: boolean;
  onSaved: () => void;
  onRemoved: (errors: UserError[]) => void;
}) {
  const [, createSwot] = useMutation(CREATE_SWOT);
  return (
    <section aria-labelledby="swot-h">
      <h2 id="swot-h">SWOT</h2>
      <div className="swot">
        {SWOT_KINDS.map((kind) => (
          <div key={kind} className="card">
            <h3>{SWOT_TITLES[kind]}</h3>
            <ul className="plain">
              {entries.filter((s) => s.kind === kind).map((s) => (
                <li key={s.id}>
                  {s.text} <InternalBadge visibility={s.visibility} />{" "}
                  {s.viewerCan.delete && <RemoveButton id={s.id} label={s.text} onDone={onRemoved} />}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      {canAdd && <AddForm label="Add SWOT entry" onAdd={async (data) => {
        const r = await createSwot({ input: { planId, kind: data.get("kind") as (typeof SWOT_KINDS)[number], text: String(data.get("text") ?? ""), visibility: chosenVisibility(data) } });
        onSaved();
        return mutationErrors(r, r.data?.createSwotEntry);
      }}>
        <label className="inline">Kind <select name="kind">{SWOT_KINDS.map((k) => <option key={k} value={k}>{humanize(k)}</option>)}</select></label>
        <label>Entry <input name="text" required /></label>
        <VisibilityChoice usual="INTERNAL" />
      </AddForm>}
    </section>
  );
}
