// A workspace's home: the plan at a glance, the next meetings, my open action items, forecast
// deviations and what changed lately. It refreshes itself when anyone changes something.
import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";

import { formatDateTime, globalId, humanize } from "../api/ids";
import { ErrorMessage, InternalBadge, Loading } from "../components/status";
import { graphql } from "../gql";
import { useNow } from "../live/clock";
import { useWorkspaceEvents, Viewers } from "../live/live";
import { useViewer } from "../live/viewer";

const HOME = graphql(`
  query WorkspaceHome($ws: ID!, $year: Int!) {
    node(id: $ws) {
      ... on Workspace {
        id
        name
        description
      }
    }
    accountPlans(workspaceId: $ws, first: 1) {
      nodes {
        id
        title
        status
        stage
        objectives(first: 100) {
          nodes {
            id
            title
            status
            visibility
          }
        }
      }
    }
    meetings(workspaceId: $ws, status: SCHEDULED, first: 50) {
      nodes {
        id
        title
        startsAt
        localStartsAt
        visibility
      }
    }
    actionItems(workspaceId: $ws, mine: true, first: 100) {
      nodes {
        id
        title
        status
        dueDate
        overdue
        visibility
      }
    }
    forecast(workspaceId: $ws, year: $year) {
      ytdAttainmentPct
      goalAttainmentPct
      months {
        month
        forecast
        actual
        deviationPct
        flagged
      }
    }
    recentChanges(workspaceId: $ws, first: 10) {
      nodeType
      nodeId
      entry {
        action
        field
        at
        actor {
          displayName
        }
      }
    }
  }
`);

const CLOSED = ["DONE", "CANCELLED"];

export function WorkspaceHome() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const viewer = useViewer();
  const now = useNow();
  const [result, reexecute] = useQuery({ query: HOME, variables: { ws, year: new Date(now).getFullYear() } });
  useWorkspaceEvents(ws, () => reexecute({ requestPolicy: "network-only" }));
  if (result.fetching && !result.data) return <Loading what="the workspace" />;
  if (result.error) return <ErrorMessage error={result.error} retry={() => reexecute()} />;
  const data = result.data!;
  if (!data.node || !("name" in data.node)) return <ErrorMessage error="There is no such workspace." />;
  const plan = data.accountPlans.nodes[0];
  const next = [...data.meetings.nodes]
    .filter((m) => Date.parse(m.startsAt) > now)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))
    .slice(0, 5);
  const mine = data.actionItems.nodes.filter((item) => !CLOSED.includes(item.status));
  const flagged = data.forecast.months.filter((m) => m.flagged);
  return (
    <div className="page">
      <header className="page-head">
        <h1>{data.node.name}</h1>
        <Viewers nodeId={ws} selfId={viewer.user?.id} />
      </header>
      <div className="grid">
        <section className="card" aria-labelledby="plan-h">
          <h2 id="plan-h">Account plan</h2>
          {plan ? (
            <>
              <p>
                <Link to={`/w/${ws}/plan`}>{plan.title}</Link> · {humanize(plan.status)} · {humanize(plan.stage)}
              </p>
              <ul className="plain">
                {plan.objectives.nodes.slice(0, 6).map((o) => (
                  <li key={o.id}>
                    <span className={`status ${o.status.toLowerCase()}`}>{humanize(o.status)}</span> {o.title}{" "}
                    <InternalBadge visibility={o.visibility} />
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="empty">No plan yet.</p>
          )}
        </section>
        <section className="card" aria-labelledby="meetings-h">
          <h2 id="meetings-h">Next meetings</h2>
          {next.length === 0 ? <p className="empty">Nothing scheduled.</p> : (
            <ul className="plain">
              {next.map((m) => (
                <li key={m.id}>
                  <Link to={`/w/${ws}/meetings/${m.id}`}>{m.title}</Link>{" "}
                  <span className="muted">{formatDateTime(m.localStartsAt)}</span> <InternalBadge visibility={m.visibility} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="mine-h">
          <h2 id="mine-h">My open action items</h2>
          {mine.length === 0 ? <p className="empty">Nothing open. Well done.</p> : (
            <ul className="plain">
              {mine.map((item) => (
                <li key={item.id} className={item.overdue ? "overdue" : ""}>
                  <Link to={`/w/${ws}/actions`}>{item.title}</Link>{" "}
                  <span className="muted">{humanize(item.status)}{item.dueDate ? ` · due ${item.dueDate}` : ""}</span>
                  {item.overdue && <span className="badge danger">Overdue</span>} <InternalBadge visibility={item.visibility} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="forecast-h">
          <h2 id="forecast-h">Forecast</h2>
          <p>
            Year to date: <strong>{data.forecast.ytdAttainmentPct ?? "–"}%</strong> of forecast ·{" "}
            <strong>{data.forecast.goalAttainmentPct ?? "–"}%</strong> of the annual goal
          </p>
          {flagged.length === 0 ? <p className="empty">No deviations beyond the threshold.</p> : (
            <ul className="plain">
              {flagged.map((m) => (
                <li key={m.month}>
                  <span className="badge danger">Deviation</span> {m.month.slice(0, 7)}: {m.actual} against {m.forecast} ({m.deviationPct}%)
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card wide" aria-labelledby="recent-h">
          <h2 id="recent-h">Recent changes</h2>
          {data.recentChanges.length === 0 ? <p className="empty">No changes yet.</p> : (
            <ul className="plain">
              {data.recentChanges.map((c, i) => (
                <li key={`${c.nodeId}-${i}`}>
                  <span className="muted">{new Date(c.entry.at).toLocaleString()}</span>{" "}
                  {c.entry.actor?.displayName ?? "kamp"} {c.entry.action} {humanize(c.nodeType).toLowerCase()}
                  {c.entry.field ? ` (${c.entry.field})` : ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
