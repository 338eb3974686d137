// The viewer's notifications: newest first, read or unread, arriving live.
import { useEffect } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useSubscription } from "urql";

import { ErrorMessage, Loading } from "../components/status";
import { graphql } from "../gql";

const LIST = graphql(`
  query NotificationList {
    notifications(first: 50) {
      nodes {
        id
        kind
        title
        body
        read
        createdAt
        workspaceId
      }
    }
  }
`);

const MARK = graphql(`
  mutation MarkRead($input: MarkNotificationsReadInput!) {
    markNotificationsRead(input: $input) {
      notifications {
        id
        read
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const LIVE = graphql(`
  subscription NotificationsLive {
    notifications {
      id
    }
  }
`);

export function Notifications() {
  const [result, reexecute] = useQuery({ query: LIST, requestPolicy: "network-only" });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const [, mark] = useMutation(MARK);
  const [live] = useSubscription({ query: LIVE });
  useEffect(() => {
    if (live.data) reexecute({ requestPolicy: "network-only" });
  }, [live.data, reexecute]);
  if (result.fetching && !result.data) return <Loading what="notifications" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const items = result.data?.notifications.nodes ?? [];
  return (
    <div className="page">
      <header className="page-head">
        <h1>Notifications</h1>
        <button type="button" className="button secondary" onClick={async () => { await mark({ input: {} }); refresh(); }}>
          Mark all read
        </button>
      </header>
      {items.length === 0 ? <p className="empty">Nothing yet.</p> : (
        <ul className="plain">
          {items.map((n) => (
            <li key={n.id} className={`card ${n.read ? "read" : "unread"}`} data-testid="notification">
              <strong>{n.title}</strong> {!n.read && <span className="badge">New</span>}
              <div className="muted">{new Date(n.createdAt).toLocaleString()}</div>
              <p className="pre">{n.body}</p>
              <div className="row">
                {n.workspaceId && <Link to={`/w/${n.workspaceId}`}>Open the workspace</Link>}
                <button type="button" className="link" onClick={async () => { await mark({ input: { ids: [n.id], read: !n.read } }); refresh(); }}>
                  Mark {n.read ? "unread" : "read"}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
