// The action board: every action item of the workspace by status, with filters (mine,
// overdue, side, status, objective), status changes and comments with @mentions. A customer
// changes only the items it owns: the API says which (`viewerCan`), the board shows it.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";

import { globalId, humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, InternalBadge, Loading, mutationErrors, type UserError } from "../components/status";
import { graphql } from "../gql";
import { useWorkspaceEvents } from "../live/live";
import { saveVersioned, useConflict } from "../live/useConflict";

// The elements this page shows: changes to others do not refetch it.
const BOARD_TYPES = ["ActionItem", "ActionComment", "Objective"];

const ACTIONS = graphql(`
  query ActionBoard($ws: ID!, $mine: Boolean!, $overdue: Boolean!, $side: Side, $objectiveId: ID) {
    actionItems(workspaceId: $ws, mine: $mine, overdue: $overdue, side: $side, objectiveId: $objectiveId, first: 100) {
      nodes {
        id
        version
        title
        description
        status
        priority
        dueDate
        overdue
        visibility
        viewerCan {
          edit
          delete
          comment
        }
        owner {
          id
          displayName
        }
        objective {
          id
          title
        }
        comments(first: 50) {
          nodes {
            id
            text
            createdAt
            visibility
            author {
              displayName
            }
          }
        }
      }
    }
    accountPlans(workspaceId: $ws, first: 1) {
      nodes {
        objectives(first: 100) {
          nodes {
            id
            title
          }
        }
      }
    }
  }
`);

const UPDATE = graphql(`
  mutation UpdateActionStatus($input: UpdateActionItemInput!) {
    updateActionItem(input: $input) {
      actionItem {
        id
        version
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const COMMENT = graphql(`
  mutation CommentAction($input: AddActionCommentInput!) {
    addActionComment(input: $input) {
      comment {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const STATUSES = ["OPEN", "IN_PROGRESS", "BLOCKED", "DONE", "CANCELLED"] as const;
type Status = (typeof STATUSES)[number];

export type BoardItem = {
  id: string;
  version: number;
  title: string;
  status: string;
  priority: string;
  dueDate?: string | null;
  overdue: boolean;
  visibility: string;
  owner?: { id: string; displayName: string } | null;
};

export function ActionCard({ item, editable, onStatus, children }: {
  item: BoardItem;
  editable: boolean;
  onStatus: (status: Status) => void;
  children?: React.ReactNode;
}) {
  return (
    <li className={`card action ${item.overdue ? "overdue" : ""}`} data-testid="action-item" data-title={item.title}>
      <strong>{item.title}</strong> <InternalBadge visibility={item.visibility} />
      {item.overdue && <span className="badge danger">Overdue</span>}
      <div className="muted">
        {humanize(item.priority)} · {item.owner ? item.owner.displayName : "no owner"}{item.dueDate ? ` · due ${item.dueDate}` : ""}
      </div>
      <label className="inline">
        Status{" "}
        <select value={item.status} disabled={!editable} aria-label={`Status of ${item.title}`}
          onChange={(e) => onStatus(e.target.value as Status)}>
          {STATUSES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
        </select>
      </label>
      {!editable && <span className="muted"> Only its owner can change it.</span>}
      {children}
    </li>
  );
}

export function Actions() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const [side, setSide] = useState<"" | "SUPPLIER" | "CUSTOMER">("");
  const [objectiveId, setObjectiveId] = useState("");
  const [result, reexecute] = useQuery({
    query: ACTIONS,
    variables: { ws, mine, overdue, side: side || null, objectiveId: objectiveId || null },
  });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, BOARD_TYPES);
  const [, update] = useMutation(UPDATE);
  const [, comment] = useMutation(COMMENT);
  const [errors, setErrors] = useState<UserError[]>([]);
  const { dialog, choose } = useConflict();

  async function changeStatus(item: BoardItem, status: Status) {
    const left = await saveVersioned({
      field: "status",
      value: status,
      version: item.version,
      choose,
      send: async (version) => {
        const r = await update({ input: { id: item.id, version, status } });
        const p = r.data?.updateActionItem;
        return { errors: mutationErrors(r, p), current: p?.actionItem };
      },
    });
    setErrors(left);
    refresh();
  }

  const items = result.data?.actionItems.nodes ?? [];
  const objectives = result.data?.accountPlans.nodes[0]?.objectives.nodes ?? [];
  return (
    <div className="page">
      {dialog}
      <h1>Action items</h1>
      <fieldset className="filters">
        <legend>Show</legend>
        <label className="inline"><input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Mine</label>
        <label className="inline"><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Overdue</label>
        <label className="inline">Side <select value={side} onChange={(e) => setSide(e.target.value as typeof side)}>
          <option value="">Both</option><option value="SUPPLIER">Supplier</option><option value="CUSTOMER">Customer</option>
        </select></label>
        <label className="inline">Objective <select value={objectiveId} onChange={(e) => setObjectiveId(e.target.value)}>
          <option value="">Any</option>
          {objectives.map((o) => <option key={o.id} value={o.id}>{o.title}</option>)}
        </select></label>
      </fieldset>
      <FieldErrors errors={errors} />
      {result.fetching && !result.data ? <Loading what="action items" /> : result.error ? (
        <ErrorMessage error={result.error} retry={refresh} />
      ) : (
        <div className="board">
          {STATUSES.map((status) => (
            <section key={status} className="column" aria-labelledby={`col-${status}`}>
              <h2 id={`col-${status}`}>{humanize(status)} <span className="muted">{items.filter((i) => i.status === status).length}</span></h2>
              <ul className="plain" data-testid={`column-${status}`}>
                {items.filter((i) => i.status === status).map((item) => (
                  <ActionCard key={item.id} item={item} editable={item.viewerCan.edit}
                    onStatus={(s) => changeStatus(item, s)}>
                    <details>
                      <summary>Comments ({item.comments.nodes.length})</summary>
                      <ul className="plain">
                        {item.comments.nodes.map((c) => (
                          <li key={c.id}><strong>{c.author?.displayName}</strong>: {c.text} <InternalBadge visibility={c.visibility} /></li>
                        ))}
                      </ul>
                      {item.viewerCan.comment && <form className="inline-form" onSubmit={async (event) => {
                        event.preventDefault();
                        const form = event.currentTarget;
                        const r = await comment({ input: { actionItemId: item.id, text: String(new FormData(form).get("text") ?? "") } });
                        setErrors(mutationErrors(r, r.data?.addActionComment));
                        if (r.data?.addActionComment.errors.length === 0) form.reset();
                        refresh();
                      }}>
                        <label>Comment <input name="text" placeholder="Mention with @email" required /></label>
                        <button type="submit" className="button small">Send</button>
                      </form>}
                    </details>
                  </ActionCard>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
