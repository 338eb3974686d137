// The inventory pages: the arithmetic shown as the API explains it, what the viewer may do
// with each policy parameter and proposal line (from the API's answer, never the side), and
// statuses shown in words and colours.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { print, type DocumentNode } from "graphql";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { Provider, type Client } from "urql";
import { fromValue, never } from "wonka";

import { Layout } from "../components/Layout";
import { ViewerContext, type Viewer } from "../live/viewer";
import { ExplanationView, type LineExplanation } from "../pages/stock/Explanation";
import {
  decisionsFor,
  parameterAccess,
  parseParameter,
  readExplanation,
  showValue,
  statusOf,
} from "../pages/stock/logic";
import { PolicyPanel, type Policy } from "../pages/stock/PolicyPanel";
import { Proposals } from "../pages/stock/Proposals";
import { FreshnessBadge, StatusBadge } from "../pages/stock/StatusBadge";
import { historyScale, onHandPath, StockChart } from "../pages/stock/StockChart";
import { formatOfName, percentDone } from "../pages/stock/upload";

const viewer: Viewer = {
  user: { id: "u1", displayName: "Someone", email: "someone@example.com" },
  organization: { name: "Org" },
  side: "CUSTOMER",
  isOrgAdmin: false,
  timeZone: "UTC",
};

const operationName = (query: DocumentNode) => /(?:query|mutation|subscription) (\w+)/.exec(print(query))?.[1];

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

function page(client: Client, ui: React.ReactNode) {
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

const explanation: LineExplanation = {
  method: "REORDER_POINT",
  inputs: [
    { name: "on_hand", value: 12 },
    { name: "demand_mean", value: 15.6 },
    { name: "lead_time_source", value: "product" },
    { name: "pack_multiple", value: 12 },
  ],
  steps: [
    { name: "inventory_position", formula: "IP = on hand + in transit + on order - committed + ordered since report", value: 12 },
    { name: "reorder_point", formula: "ROP = d̄ · L + SS", value: 101.2345 },
    { name: "trigger", formula: "order when IP ≤ ROP", value: true },
    { name: "quantity", formula: "at most ⌊(max - IP) / pack⌋ · pack; 0 when that is below the MOQ", value: 264 },
  ],
  quantity: 264,
  note: "capped_by_max",
  daysOfSupply: 0.77,
  stockoutDate: "2026-12-03",
  decision: null,
};

describe("why this quantity", () => {
  it("shows every input and every step with its formula and value", async () => {
    render(<ExplanationView explanation={explanation} product="NW-PV-015 Press valve DN15" />);
    await userEvent.click(screen.getByText("Why this quantity"));
    const inputs = screen.getByRole("table", { name: "Inputs" });
    expect(within(inputs).getByText("On hand")).toBeInTheDocument();
    expect(within(inputs).getByText("Average daily demand (d̄)")).toBeInTheDocument();
    expect(within(inputs).getByText("15.6")).toBeInTheDocument();
    expect(within(inputs).getByText("the product")).toBeInTheDocument();
    const steps = screen.getAllByTestId("step");
    expect(steps).toHaveLength(4);
    expect(steps[1]).toHaveTextContent("Reorder point: ROP = d̄ · L + SS = 101.23");
    expect(steps[2]).toHaveTextContent("Reorder now?: order when IP ≤ ROP = yes");
    expect(steps[3]).toHaveTextContent("= 264");
    expect(screen.getByText(/never goes above the location's max/)).toBeInTheDocument();
    expect(screen.getByText(/running out on 2026-12-03/)).toBeInTheDocument();
  });

  it("reads the stored form too (inputs as an object), and nothing from nothing", () => {
    const read = readExplanation({ inputs: { on_hand: 3, max_qty: null }, steps: [{ name: "z", value: 1.6449 }] });
    expect(read?.inputs).toEqual([{ name: "on_hand", value: 3 }, { name: "max_qty", value: null }]);
    expect(read?.steps).toEqual([{ name: "z", formula: "", value: 1.6449 }]);
    expect(readExplanation(null)).toBeNull();
    expect(showValue(null)).toBe("–");
    expect(showValue(false)).toBe("no");
    expect(showValue("12.5000")).toBe("12.5");
  });
});

describe("who sets a policy parameter", () => {
  it("edits what the viewer's side owns, proposes the rest where allowed, else reads", () => {
    const policy = { viewerOwns: ["SERVICE_LEVEL", "MAX_QTY"], viewerCanPropose: true };
    expect(parameterAccess(policy, "SERVICE_LEVEL")).toBe("edit");
    expect(parameterAccess(policy, "LEAD_TIME_DAYS")).toBe("propose");
    expect(parameterAccess({ viewerOwns: [], viewerCanPropose: false }, "MIN_QTY")).toBe("read");
  });

  it("checks a typed value before sending it", () => {
    expect(parseParameter("int", false, "")).toEqual({ error: "A value is required." });
    expect(parseParameter("int", true, " ")).toEqual({ value: null });
    expect(parseParameter("int", false, "-3")).toHaveProperty("error");
    expect(parseParameter("int", false, "40")).toEqual({ value: 40 });
    expect(parseParameter("decimal", false, "0.97")).toEqual({ value: "0.97" });
    expect(parseParameter("decimal", false, "97%")).toHaveProperty("error");
    expect(parseParameter("method", false, "MIN_MAX")).toEqual({ value: "MIN_MAX" });
  });

  const policy = (over: Partial<Policy>): Policy => ({
    id: "p1", version: 3, method: "REORDER_POINT", minQty: null, maxQty: 420, serviceLevel: "0.9500",
    reviewPeriodDays: 7, leadTimeDays: null, leadTimeSdDays: null, demandWindowDays: 56, autoApproveMaxQty: 24,
    active: true,
    owners: [
      { field: "SERVICE_LEVEL", side: "CUSTOMER" },
      { field: "MAX_QTY", side: "CUSTOMER" },
      { field: "LEAD_TIME_DAYS", side: "SUPPLIER" },
    ],
    viewerOwns: ["SERVICE_LEVEL", "MAX_QTY"],
    viewerCanPropose: true,
    parameterChanges: { nodes: [] },
    ...over,
  });

  it("offers a change of its own parameters and a proposal for the others'", async () => {
    const mutations: Array<{ name?: string; variables: unknown }> = [];
    const client = fakeClient({ ProposeParameterChange: { proposeParameterChange: { change: { id: "c1" }, errors: [] } } }, mutations);
    render(page(client, <PolicyPanel policy={policy({})} onSaved={() => undefined} />));
    expect(screen.getByRole("button", { name: "Change Service level" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Propose a change of Service level" })).toBeNull();
    expect(screen.getByTestId("parameter-SERVICE_LEVEL")).toHaveTextContent("95 %");
    expect(screen.getByTestId("parameter-LEAD_TIME_DAYS")).toHaveTextContent("the product's");
    await userEvent.click(screen.getByRole("button", { name: "Propose a change of Lead time (days)" }));
    const form = screen.getByRole("form", { name: "Propose Lead time (days)" });
    await userEvent.type(within(form).getByLabelText("Lead time (days)"), "six");
    await userEvent.click(within(form).getByRole("button", { name: "Propose" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a whole number");
    expect(mutations).toHaveLength(0);
    await userEvent.clear(within(form).getByLabelText("Lead time (days)"));
    await userEvent.type(within(form).getByLabelText("Lead time (days)"), "6");
    await userEvent.type(within(form).getByLabelText("Reason"), "Carrier change");
    await userEvent.click(within(form).getByRole("button", { name: "Propose" }));
    await waitFor(() => expect(mutations).toHaveLength(1));
    expect(mutations[0].variables).toEqual({ input: { policyId: "p1", parameter: "LEAD_TIME_DAYS", value: "6", reason: "Carrier change" } });
  });

  it("offers nothing to a viewer who may neither set nor propose", () => {
    const client = fakeClient({}, []);
    render(page(client, <PolicyPanel policy={policy({ viewerOwns: [], viewerCanPropose: false })} onSaved={() => undefined} />));
    expect(screen.queryByRole("button", { name: /^Change / })).toBeNull();
    expect(screen.queryByRole("button", { name: /^Propose a change/ })).toBeNull();
  });

  it("lets the owner side decide a change request and its proposer withdraw it", () => {
    const change = (id: string, decide: boolean, withdraw: boolean) => ({
      id, field: "LEAD_TIME_DAYS", proposedValue: "6", currentValue: null, reason: "Carrier", status: "PROPOSED",
      proposedBy: { displayName: "Dana" }, viewerCanDecide: decide, viewerCan: { delete: withdraw },
    });
    const client = fakeClient({}, []);
    render(page(client, <PolicyPanel policy={policy({ parameterChanges: { nodes: [change("c1", true, false), change("c2", false, true)] } })} onSaved={() => undefined} />));
    const [toDecide, mine] = screen.getAllByTestId("change-request");
    expect(within(toDecide).getByRole("button", { name: "Accept" })).toBeInTheDocument();
    expect(within(toDecide).getByRole("button", { name: "Refuse" })).toBeInTheDocument();
    expect(within(toDecide).queryByRole("button", { name: "Withdraw" })).toBeNull();
    expect(within(mine).getByRole("button", { name: "Withdraw" })).toBeInTheDocument();
    expect(within(mine).queryByRole("button", { name: "Accept" })).toBeNull();
  });
});

describe("statuses", () => {
  it("names each status and colours it", () => {
    expect(statusOf("RED")).toMatchObject({ label: "Red", className: "stock-red" });
    expect(statusOf("YELLOW").className).toBe("stock-yellow");
    expect(statusOf("GREEN").className).toBe("stock-green");
    expect(statusOf("PURPLE").className).toBe("stock-unknown");
    render(<><StatusBadge status="RED" /><FreshnessBadge freshness="STALE" detail="9 days" /></>);
    expect(screen.getByText("Red")).toHaveClass("badge", "stock-red");
    expect(screen.getByText("Red")).toHaveAttribute("title", expect.stringContaining("out of stock"));
    expect(screen.getByText("Stale · 9 days")).toHaveClass("stale");
  });

  it("charts on hand, demand and the reorder point on one scale", () => {
    const points = [
      { day: "2026-11-01", onHand: null, demand: null, reorderPoint: 100, stockout: false },
      { day: "2026-11-02", onHand: 200, demand: 10, reorderPoint: 100, stockout: false },
      { day: "2026-11-03", onHand: 0, demand: 20, reorderPoint: 100, stockout: true },
    ];
    const scale = historyScale(points, 110);
    expect(scale(220)).toBe(110);
    expect(onHandPath(points, 20, 110, scale)).toBe("30,10 50,110");
    render(<StockChart points={points} title="NW-PV-015 at Toledo" />);
    expect(screen.getByRole("img", { name: /NW-PV-015 at Toledo/ })).toBeInTheDocument();
    expect(screen.getAllByTestId("chart-day")).toHaveLength(3);
    expect(screen.getByTestId("reorder-line")).toBeInTheDocument();
  });

  it("guesses a file's format and shows the upload's progress", () => {
    expect(formatOfName("stock.CSV")).toBe("csv");
    expect(formatOfName("week.852")).toBe("852");
    expect(formatOfName("photo.png")).toBeNull();
    expect(percentDone(null, false)).toBe(0);
    expect(percentDone({ status: "PROCESSING", bytesTotal: 200, bytesDone: 50, rowsRead: 1, accepted: 1, rejected: 0 }, false)).toBe(25);
    expect(percentDone({ status: "PROCESSING", bytesTotal: 200, bytesDone: 200, rowsRead: 1, accepted: 1, rejected: 0 }, false)).toBe(99);
    expect(percentDone(null, true)).toBe(100);
  });
});

describe("proposal decisions", () => {
  it("needs a decision on every waiting line, and a whole quantity for a modified one", () => {
    const lines = [
      { id: "l1", label: "NW-PV-015", waiting: true },
      { id: "l2", label: "NW-PV-022", waiting: true },
      { id: "l3", label: "NW-EL-015", waiting: false },
    ];
    expect(decisionsFor(lines, { l1: { decision: "APPROVE" } })).toEqual({ errors: ["Approve, modify or reject NW-PV-022."] });
    expect(decisionsFor(lines, { l1: { decision: "APPROVE" }, l2: { decision: "MODIFY", quantity: "0" } })).toHaveProperty("errors");
    expect(decisionsFor(lines, { l1: { decision: "REJECT" }, l2: { decision: "MODIFY", quantity: "36" } })).toEqual({
      lines: [{ lineId: "l1", decision: "REJECT" }, { lineId: "l2", decision: "MODIFY", quantity: 36 }],
    });
  });

  const proposal = (canDecide: boolean) => ({
    replenishmentProposals: {
      nodes: [{
        id: "rp1", version: 1, status: "OPEN", createdAt: "2026-12-01T08:00:00", decidedAt: null, decidedBy: null,
        viewerCanDecide: canDecide, location: { id: "loc1", name: "Toledo Branch 22" }, orders: [],
        lines: { nodes: [{
          id: "l1", quantity: 264, approvedQuantity: null, status: "PROPOSED", viewerCanDecide: canDecide,
          product: { id: "pr1", sku: "NW-PV-015", name: "Press valve DN15", packMultiple: 12, minOrderQty: 24 },
          explanation,
        }] },
      }],
    },
  });

  it("shows a reader the lines and their reasons, and no decision", async () => {
    render(page(fakeClient({ Proposals: proposal(false), WorkspacePermissions: { node: null } }, []), <Proposals />));
    expect(await screen.findByText("NW-PV-015 Press valve DN15")).toBeInTheDocument();
    expect(screen.getByText("Why this quantity")).toBeInTheDocument();
    expect(screen.queryByRole("radio")).toBeNull();
    expect(screen.queryByRole("button", { name: "Submit decisions" })).toBeNull();
  });

  it("lets an approver decide every line and submit at once", async () => {
    const mutations: Array<{ name?: string; variables: unknown }> = [];
    const decided = { decideProposal: { proposal: null, order: { id: "o1", number: "PO-000002", status: "PLACED" }, warnings: [], errors: [] } };
    render(page(fakeClient({ Proposals: proposal(true), DecideProposal: decided, WorkspacePermissions: { node: null } }, mutations), <Proposals />));
    await userEvent.click(await screen.findByRole("button", { name: "Submit decisions" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Approve, modify or reject NW-PV-015 Press valve DN15.");
    await userEvent.click(screen.getByRole("radio", { name: "Modify NW-PV-015 Press valve DN15" }));
    await userEvent.clear(screen.getByLabelText("Quantity of NW-PV-015 Press valve DN15"));
    await userEvent.type(screen.getByLabelText("Quantity of NW-PV-015 Press valve DN15"), "240");
    await userEvent.click(screen.getByRole("button", { name: "Submit decisions" }));
    await waitFor(() => expect(mutations).toHaveLength(1));
    expect(mutations[0].variables).toEqual({ input: { id: "rp1", version: 1, lines: [{ lineId: "l1", decision: "MODIFY", quantity: 240 }] } });
    expect(await screen.findByTestId("decided")).toHaveTextContent("Order PO-000002 placed.");
  });
});

describe("the Stock section", () => {
  const permissions = (list: string[]) => ({ node: { __typename: "Workspace", id: "ws1", viewerPermissions: list } });

  it("is in the workspace's navigation only with inventory:read", async () => {
    const shown = fakeClient({ WorkspacePermissions: permissions(["workspace:read", "inventory:read"]), UnreadCount: { unreadNotificationCount: 0 } }, []);
    const { unmount } = render(page(shown, <Layout><p>page</p></Layout>));
    const nav = screen.getByRole("navigation", { name: "Workspace" });
    expect(await within(nav).findByRole("link", { name: "Stock" })).toHaveAttribute("href", "/w/ws1/stock");
    unmount();
    const hidden = fakeClient({ WorkspacePermissions: permissions(["workspace:read"]), UnreadCount: { unreadNotificationCount: 0 } }, []);
    render(page(hidden, <Layout><p>page</p></Layout>));
    const other = screen.getByRole("navigation", { name: "Workspace" });
    expect(within(other).getByRole("link", { name: "Members" })).toBeInTheDocument();
    expect(within(other).queryByRole("link", { name: "Stock" })).toBeNull();
  });
});
