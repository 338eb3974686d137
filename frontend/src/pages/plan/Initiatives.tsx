// What the teams of both sides do together for the plan, each initiative owned by a team.
import { useMutation } from "urql";

import { humanize } from "../../api/ids";
import { AddForm, chosenVisibility, VisibilityChoice } from "../../components/forms";
import { InternalBadge, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { RemoveButton } from "./RemoveButton";
import type { AccountPlan } from "./types";

const CREATE_INITIATIVE = graphql(`
  mutation CreateInitiative($input: CreateInitiativeInput!) {
    createInitiative(input: $input) {
      initiative {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const TEAMS = ["PRODUCT_DEVELOPMENT", "QUALITY", "BRANDING", "SUPPLY_CHAIN", "OTHER"] as const;

export function Initiatives({ planId, initiatives, canAdd, onSaved, onRemoved }: {
  planId: string;
  canAdd: boolean;
  initiatives: AccountPlan["initiatives"]["nodes"];
  onSaved: () => void;
  onRemoved: (errors: UserError[]) => void;
}) {
  const [, createInitiative] = useMutation(CREATE_INITIATIVE);
  return (
    <section aria-labelledby="initiatives-h">
      <h2 id="initiatives-h">Initiatives</h2>
      <ul className="plain">
        {initiatives.map((i) => (
          <li key={i.id} className="card">
            <strong>{i.title}</strong> <InternalBadge visibility={i.visibility} />{" "}
            {i.viewerCan.delete && <RemoveButton id={i.id} label={i.title} onDone={onRemoved} />}
            <span className="muted"> · {humanize(i.team)}{i.owner ? ` · ${i.owner.displayName}` : ""}</span>
            {i.description && <p>{i.description}</p>}
          </li>
        ))}
      </ul>
      {canAdd && <AddForm label="Add initiative" onAdd={async (data) => {
        const r = await createInitiative({ input: { planId, title: String(data.get("title") ?? ""), team: data.get("team") as (typeof TEAMS)[number], visibility: chosenVisibility(data) } });
        onSaved();
        return mutationErrors(r, r.data?.createInitiative);
      }}>
        <label>Initiative <input name="title" required /></label>
        <label className="inline">Team <select name="team">{TEAMS.map((t) => <option key={t} value={t}>{humanize(t)}</option>)}</select></label>
        <VisibilityChoice usual="SHARED" />
      </AddForm>}
    </section>
  );
}
