// Open stock alerts: what runs out, what is overstocked, which location stopped reporting.
import { Link, useParams } from "react-router-dom";

import { formatDateTime, humanize } from "../../api/ids";
import { showValue } from "./logic";

export type Alert = {
  kind: string;
  raisedAt: string;
  product?: { id: string } | null;
  sku?: string | null;
  productName?: string | null;
  inventoryPosition?: number | null;
  leadTimeDemand?: number | null;
  maxQty?: number | null;
  lastReport?: string | null;
  location?: { id: string; name: string } | null;
};

function detail(alert: Alert): string {
  if (alert.kind === "STOCKOUT_RISK") {
    return `inventory position ${showValue(alert.inventoryPosition)}, below the lead time's demand of ${showValue(alert.leadTimeDemand)}`;
  }
  if (alert.kind === "OVERSTOCK") return `inventory position ${showValue(alert.inventoryPosition)}, above the max of ${showValue(alert.maxQty)}`;
  return alert.lastReport ? `last report ${formatDateTime(alert.lastReport)}` : "never reported";
}

export function Alerts({ alerts, showLocation = true }: { alerts: readonly Alert[]; showLocation?: boolean }) {
  const workspaceId = useParams().workspaceId;
  if (!alerts.length) return <p className="empty">No open alerts.</p>;
  return (
    <ul className="plain" aria-label="Open alerts">
      {alerts.map((a, i) => (
        <li key={i} className={`card stock-alert ${a.kind.toLowerCase()}`} data-testid="stock-alert">
          <strong>{humanize(a.kind)}</strong>
          {a.sku && a.product && a.location && showLocation ? (
            <>
              {" · "}
              <Link to={`/w/${workspaceId}/stock/locations/${encodeURIComponent(a.location.id)}/products/${encodeURIComponent(a.product.id)}`}>
                {a.sku}
              </Link>{" "}
              {a.productName}
            </>
          ) : a.sku ? ` · ${a.sku} ${a.productName ?? ""}` : ""}
          {showLocation && a.location ? ` · ${a.location.name}` : ""}
          <div className="muted">{detail(a)}</div>
        </li>
      ))}
    </ul>
  );
}
