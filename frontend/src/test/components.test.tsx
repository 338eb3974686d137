import { act, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { Provider, type Client } from "urql";
import { fromValue, makeSubject, never } from "wonka";

import { globalId, humanize, formatNumber } from "../api/ids";
import { ConflictDialog } from "../components/ConflictDialog";
import { ErrorMessage, InternalBadge } from "../components/status";
import { useWorkspaceEvents, type LiveEvent } from "../live/live";
import { saveVersioned } from "../live/useConflict";
import { ViewerContext, type Viewer } from "../live/viewer";
import { ActionCard, type BoardItem } from "../pages/Actions";
import { chartScale, ForecastChart } from "../pages/plan/ForecastChart";
import { SignIn } from "../pages/SignIn";
import { Workspaces } from "../pages/Workspaces";

const buyer: Viewer = {
  user: { id: "u-buyer", displayName: "Dana Whitfield", email: "dana@hollis.example" },
  organization: { name: "Hollis" },
  side: "CUSTOMER",
  isOrgAdmin: false,
  timeZone: "UTC",
};

function withClient(client: Partial<Client>, ui: React.ReactNode) {
  return (
    <Provider value={client as Client}>
      <ViewerContext.Provider value={{ viewer: buyer, refresh: () => undefined }}>
        <MemoryRouter>{ui}</MemoryRouter>
      </ViewerContext.Provider>
    </Provider>
  );
}

describe("InternalBadge", () => {
  it("marks internal elements and nothing else", () => {
    const { rerender } = render(<InternalBadge visibility="INTERNAL" />);
    expect(screen.getByText("Internal")).toHaveAttribute("title", expect.stringContaining("customer does not see"));
    rerender(<InternalBadge visibility="SHARED" />);
    expect(screen.queryByText("Internal")).toBeNull();
  });
});

describe("SignIn", () => {
  it("explains what is missing without calling the server", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    render(<MemoryRouter><SignIn /></MemoryRouter>);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Enter your email address.");
    expect(screen.getByRole("alert")).toHaveTextContent("Enter your password.");
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it("shows the server's refusal", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockResolvedValue(
      new Response(JSON.stringify({ errors: [{ field: null, message: "Wrong email or password.", code: "INVALID" }] }), { status: 401 }),
    );
    render(<MemoryRouter><SignIn /></MemoryRouter>);
    await userEvent.type(screen.getByLabelText("Email"), "dana@hollis.example");
    await userEvent.type(screen.getByLabelText("Password"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Wrong email or password.")).toBeInTheDocument();
    expect(fetchSpy).toHaveBeenCalledWith("/auth/login", expect.objectContaining({ method: "POST" }));
    fetchSpy.mockRestore();
  });
});

describe("ConflictDialog", () => {
  it("shows both versions and hands back the choice", async () => {
    const keepMine = vi.fn();
    const takeTheirs = vi.fn();
    render(<ConflictDialog conflict={{ field: "title", mine: "Grow share", theirs: "Grow share to 30%", keepMine, takeTheirs }} />);
    expect(screen.getByTestId("conflict-mine")).toHaveTextContent("Grow share");
    expect(screen.getByTestId("conflict-theirs")).toHaveTextContent("Grow share to 30%");
    expect(screen.getByRole("button", { name: "Keep mine" })).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Take theirs" }));
    expect(takeTheirs).toHaveBeenCalledOnce();
    fireEvent.keyDown(screen.getByRole("alertdialog"), { key: "Escape" });
    expect(keepMine).not.toHaveBeenCalled();
  });
});

describe("saveVersioned", () => {
  const conflict = { errors: [{ code: "CONFLICT", message: "Changed meanwhile." }], current: { version: 5, title: "Theirs" } };

  it("keeps mine by saving again on the current version", async () => {
    const send = vi.fn().mockResolvedValueOnce(conflict).mockResolvedValueOnce({ errors: [], current: { version: 6, title: "Mine" } });
    const left = await saveVersioned({ field: "title", value: "Mine", version: 4, send, choose: async () => "mine" });
    expect(left).toEqual([]);
    expect(send.mock.calls.map((c) => c[0])).toEqual([4, 5]);
  });

  it("takes theirs by not saving again", async () => {
    const send = vi.fn().mockResolvedValue(conflict);
    const choose = vi.fn().mockResolvedValue("theirs");
    expect(await saveVersioned({ field: "title", value: "Mine", version: 4, send, choose })).toEqual([]);
    expect(choose).toHaveBeenCalledWith("title", "Mine", "Theirs");
    expect(send).toHaveBeenCalledOnce();
  });

  it("returns other errors as they are", async () => {
    const send = vi.fn().mockResolvedValue({ errors: [{ code: "INVALID", message: "Too long." }], current: null });
    expect(await saveVersioned({ field: "title", value: "x", version: 1, send, choose: vi.fn() })).toEqual([
      { code: "INVALID", message: "Too long." },
    ]);
  });
});

describe("action board", () => {
  const item: BoardItem = {
    id: "a1", version: 1, title: "Send volumes", status: "OPEN", priority: "HIGH", overdue: true, visibility: "SHARED",
    owner: { id: "u-kam", displayName: "Kara" },
  };

  it("locks the status of items the viewer may not change", async () => {
    const onStatus = vi.fn();
    const { rerender } = render(<ul><ActionCard item={item} editable={false} onStatus={onStatus} /></ul>);
    expect(screen.getByLabelText("Status of Send volumes")).toBeDisabled();
    expect(screen.getByText("Only its owner can change it.")).toBeInTheDocument();
    expect(screen.getByText("Overdue")).toBeInTheDocument();
    rerender(<ul><ActionCard item={item} editable onStatus={onStatus} /></ul>);
    await userEvent.selectOptions(screen.getByLabelText("Status of Send volumes"), "DONE");
    expect(onStatus).toHaveBeenCalledWith("DONE");
  });
});

describe("ForecastChart", () => {
  const months = [
    { month: "2027-01-01", forecast: "100", actual: "120", flagged: true },
    { month: "2027-02-01", forecast: "200", actual: null, flagged: false },
  ];

  it("scales to the largest value", () => {
    const scale = chartScale(months, 160);
    expect(scale(200)).toBe(160);
    expect(scale(100)).toBe(80);
    expect(chartScale([], 160)(0)).toBe(0);
  });

  it("draws a bar per month and a dot per actual, flagged ones marked", () => {
    const { container } = render(<ForecastChart months={months} title="2027" />);
    expect(screen.getAllByTestId("chart-month")).toHaveLength(2);
    expect(container.querySelectorAll("circle")).toHaveLength(1);
    expect(container.querySelector("circle")).toHaveClass("dot-flagged");
  });
});

describe("pages", () => {
  it("show a loading state, then the data", async () => {
    const loading = { executeQuery: () => never } as never;
    const { unmount } = render(withClient(loading, <Workspaces />));
    expect(screen.getByRole("status")).toHaveTextContent("Loading your workspaces");
    unmount();
    const data = {
      viewer: { workspaces: { nodes: [{ id: "w1", name: "Hollis", description: "Joint", viewerRole: "CUSTOMER_BUYER", memberCount: 7, keyAccount: null }] } },
    };
    render(withClient({ executeQuery: () => fromValue({ data, stale: false, hasNext: false }) } as never, <Workspaces />));
    expect(await screen.findByRole("link", { name: "Hollis" })).toHaveAttribute("href", "/w/w1");
  });

  it("show an error with a way to retry", async () => {
    const retry = vi.fn();
    render(<ErrorMessage error={new Error("boom")} retry={retry} />);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(retry).toHaveBeenCalled());
  });
});

describe("live changes", () => {
  afterEach(() => vi.useRealTimers());

  function subscribed() {
    const events = makeSubject<unknown>();
    const client = { executeSubscription: () => events.source } as never;
    const wrapper = ({ children }: { children: React.ReactNode }) => <Provider value={client}>{children}</Provider>;
    const send = (nodeId: string) =>
      act(() => events.next({ data: { workspaceEvents: { kind: "UPDATED", nodeId, fields: [], actor: null } }, stale: false, hasNext: true }));
    return { wrapper, send };
  }

  it("calls the page's latest handler once for a burst of changes", async () => {
    vi.useFakeTimers();
    const { wrapper, send } = subscribed();
    const first = vi.fn();
    const latest = vi.fn<(event: LiveEvent) => void>();
    const { rerender } = renderHook(({ onChange }) => useWorkspaceEvents("w1", onChange), { wrapper, initialProps: { onChange: first } });
    send("a");
    send("b");
    rerender({ onChange: latest });
    await act(() => vi.advanceTimersByTimeAsync(200));
    expect(first).not.toHaveBeenCalled();
    expect(latest).toHaveBeenCalledTimes(1);
    expect(latest.mock.calls[0][0].nodeId).toBe("b");
  });

  it("refetches only for the elements the page shows, and not for one's own saves", async () => {
    vi.useFakeTimers();
    const events = makeSubject<unknown>();
    const client = { executeSubscription: () => events.source } as never;
    const wrapper = ({ children }: { children: React.ReactNode }) => (
      <Provider value={client}>
        <ViewerContext.Provider value={{ viewer: buyer, refresh: () => undefined }}>{children}</ViewerContext.Provider>
      </Provider>
    );
    const onChange = vi.fn();
    renderHook(() => useWorkspaceEvents("w1", onChange, ["Objective"]), { wrapper });
    const send = async (kind: string, actor: string) => {
      act(() => events.next({ data: { workspaceEvents: { kind, nodeId: kind, fields: ["title"], actor: { id: actor, displayName: actor } } }, stale: false, hasNext: true }));
      await act(() => vi.advanceTimersByTimeAsync(200));
    };
    await send("ActionItem.updated", "u-kam");
    await send("Objective.updated", buyer.user!.id);
    expect(onChange).not.toHaveBeenCalled();
    await send("Objective.updated", "u-kam");
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("forgets a pending change when the page is left", async () => {
    vi.useFakeTimers();
    const { wrapper, send } = subscribed();
    const onChange = vi.fn();
    const { unmount } = renderHook(() => useWorkspaceEvents("w1", onChange), { wrapper });
    send("a");
    unmount();
    await act(() => vi.advanceTimersByTimeAsync(200));
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe("ids and words", () => {
  it("turns email links' UUIDs into API IDs", () => {
    expect(globalId("Meeting", "0b7c1f6e-6f38-4c57-9d3c-1e2a3b4c5d6e")).toBe(
      btoa("Meeting:0b7c1f6e-6f38-4c57-9d3c-1e2a3b4c5d6e").replace(/\+/g, "-").replace(/\//g, "_"),
    );
    expect(globalId("Meeting", "TWVldGluZzox")).toBe("TWVldGluZzox");
    expect(humanize("AT_RISK")).toBe("At risk");
    expect(humanize("AgendaItem")).toBe("Agenda item");
    expect(formatNumber("4200000.0000")).toBe("4,200,000");
  });
});
