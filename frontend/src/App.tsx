// The routes of the web app. Every page but sign-in and invitations needs a signed-in viewer.
import { useCallback, useMemo } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { useQuery } from "urql";

import { ErrorMessage, Loading } from "./components/status";
import { Layout } from "./components/Layout";
import { graphql } from "./gql";
import { ViewerContext, type Viewer } from "./live/viewer";
import { Actions } from "./pages/Actions";
import { Clients } from "./pages/Clients";
import { Invitation } from "./pages/Invitation";
import { MeetingPage } from "./pages/MeetingPage";
import { Meetings } from "./pages/Meetings";
import { Members } from "./pages/Members";
import { Notifications } from "./pages/Notifications";
import { Pipeline } from "./pages/Pipeline";
import { Plan } from "./pages/plan/PlanPage";
import { Profile } from "./pages/Profile";
import { Relationships } from "./pages/Relationships";
import { SignIn } from "./pages/SignIn";
import { Orders } from "./pages/stock/Orders";
import { ProductStock } from "./pages/stock/ProductStock";
import { Proposals } from "./pages/stock/Proposals";
import { Scorecards } from "./pages/stock/Scorecards";
import { StockBoard } from "./pages/stock/StockBoard";
import { UploadStock } from "./pages/stock/UploadStock";
import { WorkspaceHome } from "./pages/WorkspaceHome";
import { Workspaces } from "./pages/Workspaces";

const VIEWER = graphql(`
  query Viewer {
    viewer {
      side
      isOrgAdmin
      timeZone
      user {
        id
        displayName
        email
      }
      organization {
        name
      }
    }
  }
`);

function Protected({ children }: { children: React.ReactNode }) {
  const [result, reexecute] = useQuery({ query: VIEWER, requestPolicy: "network-only" });
  const location = useLocation();
  const refresh = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  const value = useMemo(
    () => ({ viewer: (result.data?.viewer ?? null) as Viewer | null, refresh }),
    [result.data, refresh],
  );
  if (result.fetching && !result.data) return <Loading what="your workspace" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  if (!result.data?.viewer) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  }
  return (
    <ViewerContext.Provider value={value}>
      <Layout>{children}</Layout>
    </ViewerContext.Provider>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<SignIn />} />
        <Route path="/invitation/:token" element={<Invitation />} />
        <Route path="/" element={<Protected><Workspaces /></Protected>} />
        <Route path="/notifications" element={<Protected><Notifications /></Protected>} />
        <Route path="/me" element={<Protected><Profile /></Protected>} />
        <Route path="/admin/clients" element={<Protected><Clients /></Protected>} />
        <Route path="/w/:workspaceId" element={<Protected><WorkspaceHome /></Protected>} />
        <Route path="/w/:workspaceId/plan" element={<Protected><Plan /></Protected>} />
        <Route path="/w/:workspaceId/relationships" element={<Protected><Relationships /></Protected>} />
        <Route path="/w/:workspaceId/pipeline" element={<Protected><Pipeline /></Protected>} />
        <Route path="/w/:workspaceId/meetings" element={<Protected><Meetings /></Protected>} />
        <Route path="/w/:workspaceId/meetings/:meetingId" element={<Protected><MeetingPage /></Protected>} />
        <Route path="/w/:workspaceId/actions" element={<Protected><Actions /></Protected>} />
        <Route path="/w/:workspaceId/stock" element={<Protected><StockBoard /></Protected>} />
        <Route path="/w/:workspaceId/stock/proposals" element={<Protected><Proposals /></Protected>} />
        <Route path="/w/:workspaceId/stock/orders" element={<Protected><Orders /></Protected>} />
        <Route path="/w/:workspaceId/stock/scorecards" element={<Protected><Scorecards /></Protected>} />
        <Route path="/w/:workspaceId/stock/locations/:locationId/products/:productId" element={<Protected><ProductStock /></Protected>} />
        <Route path="/w/:workspaceId/stock/upload" element={<Protected><UploadStock /></Protected>} />
        <Route path="/w/:workspaceId/members" element={<Protected><Members /></Protected>} />
        <Route path="*" element={<Protected><ErrorMessage error="There is no such page." /></Protected>} />
      </Routes>
    </BrowserRouter>
  );
}
