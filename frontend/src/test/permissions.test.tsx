// The web app shows what the API allows: it reads `viewerCan` and the workspace's permissions,
// never the viewer's side or role name.
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { print, type DocumentNode } from "graphql";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { Provider, type Client } from "urql";
import { fromValue, never } from "wonka";

import { ViewerContext, type Viewer } from "../live/viewer";
import { Actions } from "../pages/Actions";
import { Swot } from "../pages/plan/Swot";

const supplierViewer = (name: string): Viewer => ({
  user: { id: `u-${name}`, displayName: name, email: `${name}@supplier.example` },
  organization: { name: "Supplier" },
  side: "SUPPLIER",
  isOrgAdmin: false,
  timeZone: "UTC",
});

const operationName = (query: DocumentNode) => /(?:query|mutation|subscription) (\w+)/.exec(print(query))?.[1];

/** A client answering each query by its operation name, recording mutations' variables. */
function fakeClient(answers: Record<string, unknown>, mutations: Array<{ name?: string; variables: unknown }>) {
  return {
    executeQuery: (op: { query: DocumentNode }) => fromValue({ data: answers[operationName(op.query) ?? ""], stale: false, hasNext: false }),
    executeSubscription: () => never,
    executeMutation: (op: { query: DocumentNode; variables: unknown }) => {
      mutations.push({ name: operationName(op.query), variables: op.variables });
      return fromValue({ data: answers[operationName(op.query) ?? ""], stale: false, hasNext: false });
    },
  } as unknown as Client;
}

function page(client: Client, viewer: Viewer, ui: React.ReactNode) {
  return (
    <Provider value={client}>
      <ViewerContext.Provider value={{ viewer, refresh: () => undefined }}>
        <MemoryRouter initialEntries={["/w/ws1/page"]}>
          <Routes><Route path="/w/:workspaceId/page" element={ui} /></Routes>
        </MemoryRouter>
      </ViewerContext.Provider>
    </Provider>
  );
}

const workspace = (permissions: string[]) => ({
  node: { __typename: "Workspace", id: "V29ya3NwYWNlOndzMQ==", viewerPermissions: permissions },
});

describe("action board", () => {
  const item = {
    id: "a1", version: 1, title: "Send volumes", description: "", status: "OPEN", priority: "HIGH", dueDate: null,
    overdue: false, visibility: "SHARED", owner: { id: "u-kam", displayName: "Kara" }, objective: null,
    comments: { nodes: [] },
  };
  const board = (viewerCan: Record<string, boolean>) => ({
    actionItems: { nodes: [{ ...item, viewerCan }] },
    accountPlans: { nodes: [] },
  });

  it("offers no edit to a supplier-side viewer the API refuses (a mentor)", async () => {
    const client = fakeClient(
      { ActionBoard: board({ edit: false, delete: false, share: false, comment: true }), WorkspacePermissions: workspace([]) },
      [],
    );
    render(page(client, supplierViewer("mentor"), <Actions />));
    expect(await screen.findByLabelText("Status of Send volumes")).toBeDisabled();
    expect(screen.getByRole("textbox", { name: "Comment" })).toBeInTheDocument();
  });

  it("offers the edit the API allows, and no comment box where commenting is refused", async () => {
    const client = fakeClient(
      { ActionBoard: board({ edit: true, delete: false, share: false, comment: false }), WorkspacePermissions: workspace([]) },
      [],
    );
    render(page(client, supplierViewer("member"), <Actions />));
    expect(await screen.findByLabelText("Status of Send volumes")).toBeEnabled();
    expect(screen.queryByRole("textbox", { name: "Comment" })).toBeNull();
  });
});

describe("SWOT", () => {
  const created = { createSwotEntry: { entry: { id: "s1" }, errors: [] } };

  async function addEntry(permissions: string[]) {
    const mutations: Array<{ name?: string; variables: unknown }> = [];
    const client = fakeClient({ WorkspacePermissions: workspace(permissions), CreateSwot: created }, mutations);
    render(page(client, supplierViewer("someone"), (
      <Swot planId="p1" entries={[]} canAdd onSaved={() => undefined} onRemoved={() => undefined} />
    )));
    await userEvent.type(screen.getByLabelText("Entry"), "Strong service");
    await userEvent.click(screen.getByRole("button", { name: "Add SWOT entry" }));
    await waitFor(() => expect(mutations).toHaveLength(1));
    return (mutations[0].variables as { input: { visibility?: string } }).input;
  }

  it("lets a supplier member add an entry with the API's default visibility", async () => {
    const input = await addEntry(["plan:edit"]);
    expect(screen.queryByLabelText(/Visibility/)).toBeNull();
    expect(input.visibility).toBeUndefined();
  });

  it("keeps the KAM's entries internal unless she shares them", async () => {
    const input = await addEntry(["plan:edit", "visibility:manage"]);
    expect(screen.getByLabelText(/Visibility/)).toHaveDisplayValue(/Internal/);
    expect(input.visibility).not.toBe("SHARED");
  });
});
