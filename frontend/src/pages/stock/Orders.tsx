// Replenishment orders: status, dates, invoice and payment. The supplier moves an order on with
// the statuses the API offers (`nextStatuses`, `viewerCanMarkPaid`); the customer reads.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";

import { formatNumber, globalId, humanize } from "../../api/ids";
import { ErrorMessage, FieldErrors, Loading, mutationErrors, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import type { OrderStatus } from "../../gql/graphql";
import { useWorkspaceEvents } from "../../live/live";
import { MOVE_LABELS } from "./logic";
import { StockTabs } from "./StockTabs";

const TYPES = ["Order", "OrderLine", "ReplenishmentProposal"];

export const OrderFields = graphql(`
  fragment OrderFields on Order {
    id
    version
    number
    status
    origin
    location {
      id
      name
    }
    placedAt
    confirmedAt
    shippedAt
    expectedDelivery
    deliveredAt
    invoiceNumber
    invoiceAmount
    invoiceCurrency
    invoiceDue
    paidAt
    nextStatuses
    viewerCanMove
    viewerCanMarkPaid
    lines(first: 100) {
      nodes {
        id
        quantity
        shippedQuantity
        deliveredQuantity
        product {
          id
          sku
          name
        }
      }
    }
  }
`);

const ORDERS = graphql(`
  query Orders($ws: ID!, $status: OrderStatus) {
    orders(workspaceId: $ws, status: $status, first: 50) {
      nodes {
        ...OrderFields
      }
    }
  }
`);

const CONFIRM = graphql(`
  mutation ConfirmOrder($input: OrderVersionInput!) {
    confirmOrder(input: $input) {
      order {
        ...OrderFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const SHIP = graphql(`
  mutation ShipOrder($input: ShipOrderInput!) {
    shipOrder(input: $input) {
      order {
        ...OrderFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const DELIVER = graphql(`
  mutation DeliverOrder($input: DeliverOrderInput!) {
    deliverOrder(input: $input) {
      order {
        ...OrderFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const INVOICE = graphql(`
  mutation InvoiceOrder($input: InvoiceOrderInput!) {
    invoiceOrder(input: $input) {
      order {
        ...OrderFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const PAID = graphql(`
  mutation MarkOrderPaid($input: MarkOrderPaidInput!) {
    markOrderPaid(input: $input) {
      order {
        ...OrderFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const CANCEL = graphql(`
  mutation CancelOrder($input: OrderVersionInput!) {
    cancelOrder(input: $input) {
      order {
        ...OrderFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

type Order = NonNullable<NonNullable<ReturnType<typeof useOrders>[0]["data"]>["orders"]["nodes"][number]>;

function useOrders(ws: string, status: OrderStatus | "") {
  return useQuery({ query: ORDERS, variables: { ws, status: status || null } });
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

function Dates({ order }: { order: Order }) {
  const steps: [string, string | null][] = [
    ["Placed", day(order.placedAt)],
    ["Confirmed", day(order.confirmedAt)],
    ["Shipped", day(order.shippedAt)],
    ["Expected", order.expectedDelivery ?? null],
    ["Delivered", day(order.deliveredAt)],
  ];
  return (
    <dl className="dates">
      {steps.filter(([, value]) => value).map(([name, value]) => (
        <div key={name}><dt>{name}</dt><dd>{value}</dd></div>
      ))}
    </dl>
  );
}

/** The forms and buttons that move an order on, as the API offers them. */
function Moves({ order, onMoved }: { order: Order; onMoved: () => void }) {
  const [errors, setErrors] = useState<UserError[]>([]);
  const [form, setForm] = useState<"SHIPPED" | "INVOICED" | null>(null);
  const [busy, setBusy] = useState(false);
  const [, confirm] = useMutation(CONFIRM);
  const [, ship] = useMutation(SHIP);
  const [, deliver] = useMutation(DELIVER);
  const [, invoice] = useMutation(INVOICE);
  const [, paid] = useMutation(PAID);
  const [, cancel] = useMutation(CANCEL);
  const base = { id: order.id, version: order.version };

  async function run(send: () => Promise<UserError[]>) {
    setBusy(true);
    try {
      const left = await send();
      const conflict = left.find((e) => e.code === "CONFLICT");
      setErrors(conflict ? [{ code: "CONFLICT", message: "Someone moved this order meanwhile; it shows its current state now. Try again if it still applies." }] : left);
      if (!left.length) setForm(null);
      onMoved();
    } finally {
      setBusy(false);
    }
  }

  async function move(status: string) {
    if (status === "SHIPPED" || status === "INVOICED") return setForm(status);
    if (status === "CONFIRMED") return run(async () => { const r = await confirm({ input: base }); return mutationErrors(r, r.data?.confirmOrder); });
    if (status === "DELIVERED") return run(async () => { const r = await deliver({ input: base }); return mutationErrors(r, r.data?.deliverOrder); });
    if (status === "CANCELLED") {
      if (!window.confirm(`Cancel order ${order.number}?`)) return;
      return run(async () => { const r = await cancel({ input: base }); return mutationErrors(r, r.data?.cancelOrder); });
    }
  }

  function submitShip(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const expected = String(new FormData(event.currentTarget).get("expectedDelivery") ?? "");
    void run(async () => {
      const r = await ship({ input: { ...base, expectedDelivery: expected || null } });
      return mutationErrors(r, r.data?.shipOrder);
    });
  }

  function submitInvoice(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const number = String(data.get("invoiceNumber") ?? "").trim();
    const amount = String(data.get("invoiceAmount") ?? "").trim();
    const currency = String(data.get("invoiceCurrency") ?? "").trim().toUpperCase();
    const due = String(data.get("invoiceDue") ?? "");
    const problems: UserError[] = [];
    if (!number) problems.push({ field: "Invoice number", code: "REQUIRED", message: "Enter the invoice number." });
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) problems.push({ field: "Amount", code: "INVALID", message: "Enter an amount such as 1250.00." });
    if (!/^[A-Z]{3}$/.test(currency)) problems.push({ field: "Currency", code: "INVALID", message: "Enter a currency code such as EUR." });
    if (!due) problems.push({ field: "Due", code: "REQUIRED", message: "Choose the due date." });
    if (problems.length) return setErrors(problems);
    void run(async () => {
      const r = await invoice({ input: { ...base, invoiceNumber: number, invoiceAmount: amount, invoiceCurrency: currency, invoiceDue: due } });
      return mutationErrors(r, r.data?.invoiceOrder);
    });
  }

  const moves = order.viewerCanMove ? order.nextStatuses : [];
  if (!moves.length && !order.viewerCanMarkPaid) return null;
  return (
    <div>
      <div className="actions">
        {moves.map((status) => (
          <button key={status} type="button" disabled={busy}
            className={`button small ${status === "CANCELLED" ? "secondary" : ""}`}
            aria-label={`${MOVE_LABELS[status] ?? humanize(status)} ${order.number}`}
            onClick={() => move(status)}>
            {MOVE_LABELS[status] ?? humanize(status)}
          </button>
        ))}
        {order.viewerCanMarkPaid && (
          <button type="button" className="button small" disabled={busy} aria-label={`Mark ${order.number} paid`}
            onClick={() => run(async () => { const r = await paid({ input: base }); return mutationErrors(r, r.data?.markOrderPaid); })}>
            Mark paid
          </button>
        )}
      </div>
      {form === "SHIPPED" && (
        <form className="inline-form" aria-label={`Ship ${order.number}`} onSubmit={submitShip}>
          <label>Expected delivery <input type="date" name="expectedDelivery" /></label>
          <button type="submit" className="button small" disabled={busy}>Ship</button>
          <button type="button" className="button small secondary" onClick={() => setForm(null)}>Cancel</button>
        </form>
      )}
      {form === "INVOICED" && (
        <form className="inline-form" aria-label={`Invoice ${order.number}`} onSubmit={submitInvoice}>
          <label>Invoice number <input name="invoiceNumber" maxLength={64} /></label>
          <label>Amount <input name="invoiceAmount" inputMode="decimal" className="number" /></label>
          <label>Currency <input name="invoiceCurrency" defaultValue="USD" maxLength={3} className="number" /></label>
          <label>Due <input type="date" name="invoiceDue" /></label>
          <button type="submit" className="button small" disabled={busy}>Invoice</button>
          <button type="button" className="button small secondary" onClick={() => setForm(null)}>Cancel</button>
        </form>
      )}
      <FieldErrors errors={errors} />
    </div>
  );
}

function Invoice({ order }: { order: Order }) {
  if (!order.invoiceNumber) return <span className="muted">Not invoiced</span>;
  return (
    <span>
      Invoice {order.invoiceNumber}: {order.invoiceCurrency} {formatNumber(order.invoiceAmount)}, due {order.invoiceDue}
      {" · "}
      {order.paidAt ? <span className="badge stock-green">Paid {day(order.paidAt)}</span> : <span className="badge stock-yellow">Unpaid</span>}
    </span>
  );
}

export function Orders() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [status, setStatus] = useState<OrderStatus | "">("");
  const [result, reexecute] = useOrders(ws, status);
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, TYPES);
  const orders = result.data?.orders.nodes ?? [];
  return (
    <div className="page">
      <StockTabs />
      <div className="page-head">
        <h1>Orders</h1>
        <label className="inline">
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as OrderStatus | "")}>
            <option value="">Any</option>
            {(["PLACED", "CONFIRMED", "SHIPPED", "DELIVERED", "INVOICED", "CANCELLED"] as const).map((s) => (
              <option key={s} value={s}>{humanize(s)}</option>
            ))}
          </select>
        </label>
      </div>
      {result.fetching && !result.data ? (
        <Loading what="orders" />
      ) : result.error ? (
        <ErrorMessage error={result.error} retry={refresh} />
      ) : orders.length === 0 ? (
        <p className="empty">No orders{status ? ` ${humanize(status).toLowerCase()}` : ""} yet.</p>
      ) : (
        <ul className="plain">
          {orders.map((order) => (
            <li key={order.id} className="card" data-testid="order" data-number={order.number}>
              <div className="page-head">
                <h2>
                  {order.number} <span className={`badge order-status status-${order.status.toLowerCase()}`} data-testid="order-status">{humanize(order.status)}</span>
                </h2>
                <span className="muted">
                  {order.location?.name} · {order.origin === "AUTO" ? "approved automatically" : "approved by the customer"}
                </span>
              </div>
              <Dates order={order} />
              <table className="table compact" aria-label={`Lines of ${order.number}`}>
                <thead>
                  <tr><th scope="col">Product</th><th scope="col" className="num">Ordered</th><th scope="col" className="num">Shipped</th><th scope="col" className="num">Delivered</th></tr>
                </thead>
                <tbody>
                  {order.lines.nodes.map((line) => (
                    <tr key={line.id}>
                      <td>{line.product?.sku} {line.product?.name}</td>
                      <td className="num">{line.quantity}</td>
                      <td className="num">{line.shippedQuantity ?? "–"}</td>
                      <td className="num">{line.deliveredQuantity ?? "–"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p><Invoice order={order} /></p>
              <Moves order={order} onMoved={refresh} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
