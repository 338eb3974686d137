// One meeting: its agenda (edit, reorder, owners, time boxes, the live sales and pipeline
// figures), the minutes (notes per item, decisions), action items created inline, and
// publishing the minutes. Everyone on the page sees the others' changes live.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { type CombinedError, useMutation, useQuery } from "urql";

import { formatDateTime, globalId, humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, InternalBadge, Loading, mutationErrors, type UserError } from "../components/status";
import { graphql } from "../gql";
import { useWorkspaceEvents, Viewers } from "../live/live";
import { saveVersioned, useConflict } from "../live/useConflict";
import { useCan } from "../live/permissions";
import { useViewer } from "../live/viewer";

// The elements this page shows: changes to others do not refetch it.
const MEETING_TYPES = ["Meeting", "AgendaItem", "MeetingDecision", "ActionItem", "Membership", "Opportunity", "ForecastEntry", "SalesGoal"];

const MEETING = graphql(`
  query Meeting($id: ID!, $ws: ID!) {
    node(id: $id) {
      ... on Meeting {
        id
        version
        title
        meetingType
        status
        localStartsAt
        durationMinutes
        place
        videoLink
        icsUrl
        visibility
        minutesPublishedAt
        attendees {
          id
          displayName
        }
        agendaItems {
          id
          version
          title
          notes
          timeBoxMinutes
          position
          topic
          visibility
          owner {
            id
            displayName
          }
          salesPerformance {
            ytdAttainmentPct
            goalAttainmentPct
            ytdActual
            annualGoal
          }
          pipelineReview {
            new {
              id
              name
            }
            open {
              id
              name
            }
            lost {
              id
              name
              postMortem
            }
          }
        }
        decisions {
          id
          text
          visibility
        }
      }
    }
    workspace: node(id: $ws) {
      ... on Workspace {
        id
        viewerPermissions
        members(first: 100) {
          nodes {
            side
            user {
              id
              displayName
            }
          }
        }
      }
    }
    actionItems(workspaceId: $ws, meetingId: $id, first: 100) {
      nodes {
        id
        title
        status
        dueDate
        visibility
        owner {
          displayName
        }
      }
    }
  }
`);

const ADD_ITEM = graphql(`
  mutation AddAgendaItem($input: CreateAgendaItemInput!) {
    createAgendaItem(input: $input) {
      item {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const UPDATE_ITEM = graphql(`
  mutation UpdateAgendaItem($input: UpdateAgendaItemInput!) {
    updateAgendaItem(input: $input) {
      item {
        id
        version
        notes
        title
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const MOVE_ITEM = graphql(`
  mutation MoveAgendaItem($input: MoveAgendaItemInput!) {
    moveAgendaItem(input: $input) {
      item {
        id
        position
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const DECIDE = graphql(`
  mutation RecordDecision($input: RecordDecisionInput!) {
    recordDecision(input: $input) {
      decision {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const PUBLISH = graphql(`
  mutation PublishMinutes($input: MeetingVersionInput!) {
    publishMinutes(input: $input) {
      meeting {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const CREATE_ACTION = graphql(`
  mutation CreateActionFromMeeting($input: CreateActionItemInput!) {
    createActionItem(input: $input) {
      actionItem {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

type Item = {
  id: string;
  version: number;
  title: string;
  notes: string;
  position: number;
  visibility: string;
};

function Notes({ item, canEdit, onSaved }: { item: Item; canEdit: boolean; onSaved: () => void }) {
  const [, update] = useMutation(UPDATE_ITEM);
  const [draft, setDraft] = useState<string | null>(null);
  // Saved against the version the notes were opened at, so a live refresh cannot hide a conflict.
  const [base, setBase] = useState(item.version);
  const [errors, setErrors] = useState<UserError[]>([]);
  const { dialog, choose } = useConflict();
  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (draft === null) return;
    const left = await saveVersioned({
      field: "notes",
      value: draft,
      version: base,
      choose,
      send: async (version) => {
        const r = await update({ input: { id: item.id, version, notes: draft } });
        const p = r.data?.updateAgendaItem;
        return p ? { errors: p.errors, current: p.item } : undefined;
      },
    });
    setErrors(left);
    if (!left.length) setDraft(null);
    onSaved();
  }
  if (draft === null) {
    return (
      <div className="notes">
        {item.notes ? <p className="pre">{item.notes}</p> : <p className="muted">No notes yet.</p>}
        {canEdit && (
          <button type="button" className="link" onClick={() => { setBase(item.version); setDraft(item.notes); }}>
            Take notes
          </button>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={save} className="notes">
      {dialog}
      <label>
        Minutes for “{item.title}”
        <textarea value={draft} rows={4} onChange={(e) => setDraft(e.target.value)} autoFocus />
      </label>
      <button type="submit" className="button small">Save notes</button>
      <button type="button" className="button small secondary" onClick={() => setDraft(null)}>Cancel</button>
      <FieldErrors errors={errors} />
    </form>
  );
}

type Member = { side: string; user?: { id: string; displayName: string } | null };

function ItemDetails({ item, members, onSaved }: {
  item: Item & { timeBoxMinutes?: number | null; owner?: { id: string } | null };
  members: readonly Member[];
  onSaved: () => void;
}) {
  const [, update] = useMutation(UPDATE_ITEM);
  const [errors, setErrors] = useState<UserError[]>([]);
  return (
    <details>
      <summary>Edit title, owner and time box</summary>
      <form className="inline-form" aria-label={`Edit “${item.title}”`} onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const minutes = Number(data.get("timeBox") || 0);
        const r = await update({ input: {
          id: item.id,
          version: item.version,
          title: String(data.get("title") ?? ""),
          ownerId: String(data.get("ownerId") ?? "") || undefined,
          timeBoxMinutes: minutes || undefined,
        } });
        setErrors(mutationErrors(r, r.data?.updateAgendaItem));
        onSaved();
      }}>
        <label>Title <input name="title" defaultValue={item.title} required /></label>
        <label className="inline">Owner <select name="ownerId" defaultValue={item.owner?.id ?? ""}>
          <option value="">Nobody</option>
          {members.filter((m) => item.visibility !== "INTERNAL" || m.side === "SUPPLIER").map((m) => m.user && (
            <option key={m.user.id} value={m.user.id}>{m.user.displayName}</option>
          ))}
        </select></label>
        <label className="inline">Minutes <input name="timeBox" type="number" min={1} max={480} className="number" defaultValue={item.timeBoxMinutes ?? ""} /></label>
        <button type="submit" className="button small">Save</button>
        <FieldErrors errors={errors} />
      </form>
    </details>
  );
}

export function MeetingPage() {
  const params = useParams();
  const ws = globalId("Workspace", params.workspaceId ?? "");
  const id = globalId("Meeting", params.meetingId ?? "");
  const viewer = useViewer();
  const share = useCan("visibility:manage");
  const [result, reexecute] = useQuery({ query: MEETING, variables: { id, ws } });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, MEETING_TYPES);
  const [, addItem] = useMutation(ADD_ITEM);
  const [, move] = useMutation(MOVE_ITEM);
  const [, decide] = useMutation(DECIDE);
  const [, publish] = useMutation(PUBLISH);
  const [, createAction] = useMutation(CREATE_ACTION);
  const [errors, setErrors] = useState<UserError[]>([]);

  if (result.fetching && !result.data) return <Loading what="the meeting" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const meeting = result.data?.node;
  if (!meeting || !("agendaItems" in meeting)) return <ErrorMessage error="There is no such meeting." />;
  const workspace = result.data?.workspace;
  const permissions = workspace && "viewerPermissions" in workspace ? workspace.viewerPermissions : [];
  const members = workspace && "members" in workspace ? workspace.members.nodes : [];
  const canEdit = permissions.includes("meetings:edit");
  const canRun = permissions.includes("meetings:run");
  const items = meeting.agendaItems;
  const show = (r: { error?: CombinedError }, payload?: { errors: readonly UserError[] }) => setErrors(mutationErrors(r, payload));

  async function moveItem(item: Item, by: number) {
    const position = item.position + by;
    if (position < 0 || position >= items.length) return;
    const r = await move({ input: { id: item.id, version: item.version, position } });
    show(r, r.data?.moveAgendaItem);
    refresh();
  }

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>{meeting.title} <InternalBadge visibility={meeting.visibility} /></h1>
          <p className="muted">
            {formatDateTime(meeting.localStartsAt)} ({viewer.timeZone}) · {meeting.durationMinutes} min · {humanize(meeting.meetingType)} ·{" "}
            <span data-testid="meeting-status">{humanize(meeting.status)}</span>
          </p>
          <p>
            {meeting.place && <span>{meeting.place} · </span>}
            {meeting.videoLink && <a href={meeting.videoLink}>Join the call</a>}{" "}
            <a href={meeting.icsUrl} download>Add to calendar (.ics)</a>
          </p>
          <p className="muted">Attendees: {meeting.attendees.map((a) => a.displayName).join(", ") || "none yet"}</p>
        </div>
        <Viewers nodeId={meeting.id} selfId={viewer.user?.id} />
      </header>
      <FieldErrors errors={errors} />

      <section aria-labelledby="agenda-h">
        <h2 id="agenda-h">Agenda</h2>
        <ol className="agenda">
          {items.map((item, index) => (
            <li key={item.id} className="card" data-testid="agenda-item">
              <div className="row">
                <strong>{item.title}</strong> <InternalBadge visibility={item.visibility} />
                <span className="muted">
                  {item.owner ? item.owner.displayName : "no owner"}{item.timeBoxMinutes ? ` · ${item.timeBoxMinutes} min` : ""}
                </span>
                {canEdit && (
                  <span className="reorder">
                    <button type="button" className="button small secondary" disabled={index === 0}
                      aria-label={`Move “${item.title}” up`} onClick={() => moveItem(item, -1)}>↑</button>
                    <button type="button" className="button small secondary" disabled={index === items.length - 1}
                      aria-label={`Move “${item.title}” down`} onClick={() => moveItem(item, 1)}>↓</button>
                  </span>
                )}
              </div>
              {item.salesPerformance && (
                <p className="figures">
                  Year to date: <strong>{item.salesPerformance.ytdAttainmentPct ?? "–"}%</strong> of forecast ·{" "}
                  <strong>{item.salesPerformance.goalAttainmentPct ?? "–"}%</strong> of the annual goal
                </p>
              )}
              {item.pipelineReview && (
                <div className="figures">
                  <p>New: {item.pipelineReview.new.map((o) => o.name).join(", ") || "none"}</p>
                  <p>Open: {item.pipelineReview.open.map((o) => o.name).join(", ") || "none"}</p>
                  <p>Lost: {item.pipelineReview.lost.map((o) => `${o.name}${o.postMortem ? ` (${o.postMortem})` : ""}`).join(", ") || "none"}</p>
                </div>
              )}
              <Notes item={item} canEdit={canEdit} onSaved={refresh} />
              {canEdit && <ItemDetails item={item} members={members} onSaved={refresh} />}
              {canEdit && (
                <details>
                <summary>New action item</summary>
                <form className="inline-form" aria-label={`New action item from “${item.title}”`} onSubmit={async (event) => {
                  event.preventDefault();
                  const form = event.currentTarget;
                  const data = new FormData(form);
                  const owner = String(data.get("ownerId") ?? "");
                  const r = await createAction({ input: {
                    workspaceId: ws, title: String(data.get("title") ?? ""), meetingId: meeting.id, agendaItemId: item.id,
                    ownerId: owner || undefined, dueDate: String(data.get("dueDate") ?? "") || undefined,
                    visibility: item.visibility === "INTERNAL" ? "INTERNAL" : undefined,
                  } });
                  show(r, r.data?.createActionItem);
                  if (r.data?.createActionItem.errors.length === 0) form.reset();
                  refresh();
                }}>
                  <label>New action item <input name="title" required /></label>
                  <label className="inline">Owner <select name="ownerId" defaultValue="">
                    <option value="">Nobody yet</option>
                    {members.filter((m) => item.visibility !== "INTERNAL" || m.side === "SUPPLIER").map((m) => m.user && (
                      <option key={m.user.id} value={m.user.id}>{m.user.displayName}</option>
                    ))}
                  </select></label>
                  <label className="inline">Due <input name="dueDate" type="date" /></label>
                  <button type="submit" className="button small">Add</button>
                </form>
                </details>
              )}
            </li>
          ))}
        </ol>
        {canEdit && (
          <form className="add-form" aria-label="Add agenda item" onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            const minutes = Number(data.get("timeBox") || 0);
            const r = await addItem({ input: {
              meetingId: meeting.id, title: String(data.get("title") ?? ""), timeBoxMinutes: minutes || undefined,
              visibility: share && data.get("internal") ? "INTERNAL" : undefined,
            } });
            show(r, r.data?.createAgendaItem);
            if (r.data?.createAgendaItem.errors.length === 0) form.reset();
            refresh();
          }}>
            <label>Agenda item <input name="title" required /></label>
            <label className="inline">Minutes <input name="timeBox" type="number" min={1} max={480} className="number" /></label>
            {share && <label className="inline"><input type="checkbox" name="internal" /> Supplier preparation (internal)</label>}
            <button type="submit" className="button small">Add to agenda</button>
          </form>
        )}
      </section>

      <section aria-labelledby="decisions-h" className="card">
        <h2 id="decisions-h">Decisions</h2>
        <ul className="plain">
          {meeting.decisions.map((d) => <li key={d.id}>{d.text} <InternalBadge visibility={d.visibility} /></li>)}
        </ul>
        {canEdit && (
          <form className="inline-form" aria-label="Record a decision" onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const r = await decide({ input: { meetingId: meeting.id, text: String(new FormData(form).get("text") ?? "") } });
            show(r, r.data?.recordDecision);
            if (r.data?.recordDecision.errors.length === 0) form.reset();
            refresh();
          }}>
            <label>Decision <input name="text" required /></label>
            <button type="submit" className="button small">Record</button>
          </form>
        )}
      </section>

      <section aria-labelledby="actions-h" className="card">
        <h2 id="actions-h">Action items from this meeting</h2>
        <ul className="plain">
          {(result.data?.actionItems.nodes ?? []).map((a) => (
            <li key={a.id}>{a.title} <span className="muted">· {humanize(a.status)}{a.owner ? ` · ${a.owner.displayName}` : ""}{a.dueDate ? ` · due ${a.dueDate}` : ""}</span> <InternalBadge visibility={a.visibility} /></li>
          ))}
        </ul>
      </section>

      {canRun && meeting.status !== "CANCELLED" && (
        <div className="actions">
          <button type="button" className="button" onClick={async () => {
            const r = await publish({ input: { id: meeting.id, version: meeting.version } });
            show(r, r.data?.publishMinutes);
            refresh();
          }}>{meeting.minutesPublishedAt ? "Publish the minutes again" : "Publish the minutes"}</button>
          <span className="muted"> Attendees are notified.</span>
        </div>
      )}
    </div>
  );
}
