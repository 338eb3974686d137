// The shell: product name, the workspace's sections, the notification bell, who is signed in.
import { useContext, useEffect } from "react";
import { Link, NavLink, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useSubscription } from "urql";

import { authCall } from "../api/auth";
import { globalId } from "../api/ids";
import { graphql } from "../gql";
import { useCan } from "../live/permissions";
import { ViewerContext } from "../live/viewer";

const UNREAD = graphql(`
  query UnreadCount {
    unreadNotificationCount
  }
`);

const ARRIVING = graphql(`
  subscription NotificationArrived {
    notifications {
      id
      title
    }
  }
`);

export function NotificationBell() {
  const [count, refetch] = useQuery({ query: UNREAD, requestPolicy: "network-only" });
  const [arrived] = useSubscription({ query: ARRIVING });
  useEffect(() => {
    if (arrived.data) refetch({ requestPolicy: "network-only" });
  }, [arrived.data, refetch]);
  const unread = count.data?.unreadNotificationCount ?? 0;
  return (
    <Link to="/notifications" className="bell" aria-label={`Notifications: ${unread} unread`}>
      <svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {unread > 0 && <span className="count" data-testid="unread-count">{unread}</span>}
    </Link>
  );
}

function WorkspaceNav({ workspaceId }: { workspaceId: string }) {
  const base = `/w/${workspaceId}`;
  const stock = useCan("inventory:read");
  const sections: [string, string][] = [
    ["", "Home"],
    ["/plan", "Account plan"],
    ["/meetings", "Meetings"],
    ["/actions", "Action items"],
    ...(stock ? [["/stock", "Stock"] as [string, string]] : []),
    ["/relationships", "Relationships"],
    ["/pipeline", "Pipeline"],
    ["/members", "Members"],
  ];
  return (
    <nav aria-label="Workspace" className="workspace-nav">
      {sections.map(([path, label]) => (
        <NavLink key={path} to={base + path} end={path === ""}>
          {label}
        </NavLink>
      ))}
    </nav>
  );
}

const MY_ZONE = graphql(`
  mutation UseMyZone($input: UpdateMyProfileInput!) {
    updateMyProfile(input: $input) {
      timeZone
      errors {
        ...UserErrorFields
      }
    }
  }
`);

/** Times are shown in the viewer's zone; offer the browser's until they have chosen one. */
function ZoneBanner() {
  const { viewer, refresh } = useContext(ViewerContext);
  const [, update] = useMutation(MY_ZONE);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!viewer?.user || viewer.timeZone !== "UTC" || !browserZone || browserZone === "UTC") return null;
  return (
    <p className="banner" role="status">
      Times are shown in UTC.{" "}
      <button type="button" className="link" onClick={async () => { await update({ input: { timeZone: browserZone } }); refresh(); }}>
        Show them in {browserZone.replace(/_/g, " ")}
      </button>
    </p>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const { viewer, refresh } = useContext(ViewerContext);
  const params = useParams();
  const navigate = useNavigate();
  const workspaceId = params.workspaceId ? globalId("Workspace", params.workspaceId) : null;
  async function signOut() {
    await authCall("/auth/logout", {}).catch(() => undefined);
    refresh();
    navigate("/login");
  }
  return (
    <div className="app">
      <a href="#main" className="skip">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand">kamp</Link>
        <span className="org">{viewer?.organization?.name}</span>
        <div className="spacer" />
        {viewer?.isOrgAdmin && <Link to="/admin/clients">Integrations</Link>}
        <NotificationBell />
        <Link to="/me" className="who" data-testid="who" aria-label="Your settings">
          {viewer?.user?.displayName}
          <span className="muted"> · {viewer?.side === "SUPPLIER" ? "supplier" : "customer"}</span>
        </Link>
        <button type="button" className="button secondary" onClick={signOut}>Sign out</button>
      </header>
      {workspaceId && <WorkspaceNav workspaceId={workspaceId} />}
      <ZoneBanner />
      <main id="main" tabIndex={-1}>{children}</main>
    </div>
  );
}
