// One product at one location: its days on a chart, its policy with each parameter's owner
// (the viewer sets its side's, proposes the rest), and the change requests waiting.
import { Link, useParams } from "react-router-dom";
import { useState } from "react";
import { useQuery } from "urql";

import { formatDateTime, globalId } from "../../api/ids";
import { ErrorMessage, Loading } from "../../components/status";
import { graphql } from "../../gql";
import { useWorkspaceEvents } from "../../live/live";
import { Alerts } from "./Alerts";
import { showValue } from "./logic";
import { PolicyPanel, type Policy } from "./PolicyPanel";
import { StatusBadge } from "./StatusBadge";
import { StockChart } from "./StockChart";
import { StockTabs } from "./StockTabs";

const TYPES = ["StockPolicy", "ParameterChange", "StockReport", "StockAlert"];

const PRODUCT_STOCK = graphql(`
  query ProductStock($ws: ID!, $location: ID!, $product: ID!, $days: Int!) {
    stockPolicies(workspaceId: $ws, locationId: $location, productId: $product, first: 1) {
      nodes {
        location {
          id
          name
        }
        product {
          id
          sku
          name
          packMultiple
          minOrderQty
          leadTimeDays
        }
        ...PolicyFields
      }
    }
    productStockHistory(workspaceId: $ws, locationId: $location, productId: $product, days: $days) {
      position {
        onHand
        inventoryPosition
        daysOfSupply
        projectedStockoutDate
        reorderPoint
        orderUpTo
        safetyStock
        averageDailyDemand
        status
        asOf
      }
      points {
        day
        onHand
        demand
        reorderPoint
        stockout
      }
    }
    stockAlerts(workspaceId: $ws) {
      kind
      raisedAt
      product {
        id
      }
      sku
      productName
      inventoryPosition
      leadTimeDemand
      maxQty
      lastReport
      location {
        id
        name
      }
    }
  }
`);

export function ProductStock() {
  const params = useParams();
  const ws = globalId("Workspace", params.workspaceId ?? "");
  const location = params.locationId ?? "";
  const product = params.productId ?? "";
  const [days, setDays] = useState(56);
  const [result, reexecute] = useQuery({ query: PRODUCT_STOCK, variables: { ws, location, product, days } });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, TYPES);

  const policy = result.data?.stockPolicies.nodes[0];
  const history = result.data?.productStockHistory;
  const position = history?.position;
  const alerts = (result.data?.stockAlerts ?? []).filter(
    (a) => a.location?.id === location && a.sku != null && a.sku === policy?.product?.sku,
  );
  return (
    <div className="page">
      <StockTabs />
      <p><Link to={`/w/${params.workspaceId}/stock?location=${encodeURIComponent(location)}`}>← Stock board</Link></p>
      {result.fetching && !result.data ? (
        <Loading what="the product's stock" />
      ) : result.error ? (
        <ErrorMessage error={result.error} retry={refresh} />
      ) : !policy ? (
        <ErrorMessage error="This product has no stock policy at this location, or you cannot see it." />
      ) : (
        <>
          <h1>{policy.product?.sku} {policy.product?.name}</h1>
          <p className="lead">
            at {policy.location?.name} · pack of {policy.product?.packMultiple}, minimum order {policy.product?.minOrderQty},
            lead time {policy.product?.leadTimeDays} days
          </p>
          {position && (
            <p className="row" data-testid="position-now">
              <StatusBadge status={position.status} />
              <span>On hand <strong>{position.onHand}</strong></span>
              <span>Inventory position <strong>{position.inventoryPosition}</strong></span>
              <span>Reorder point <strong>{position.reorderPoint == null ? "–" : showValue(Math.round(position.reorderPoint))}</strong></span>
              <span>Days of supply <strong>{position.daysOfSupply == null ? "–" : showValue(Math.round(position.daysOfSupply * 10) / 10)}</strong></span>
              <span>Runs out <strong>{position.projectedStockoutDate ?? "–"}</strong></span>
              <span className="muted">as of {formatDateTime(position.asOf)}</span>
            </p>
          )}
          <section aria-labelledby="history-title" className="card">
            <div className="page-head">
              <h2 id="history-title">On hand, demand and reorder point</h2>
              <label className="inline">
                Days{" "}
                <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
                  {[28, 56, 91].map((d) => <option key={d} value={d}>{d}</option>)}
                </select>
              </label>
            </div>
            {history && history.points.some((p) => p.onHand != null) ? (
              <StockChart points={history.points} title={`${policy.product?.sku} at ${policy.location?.name}, the last ${days} days`} />
            ) : (
              <p className="empty">No stock reported for these days.</p>
            )}
          </section>
          <section aria-labelledby="alerts-title">
            <h2 id="alerts-title">Open alerts</h2>
            <Alerts alerts={alerts} showLocation={false} />
          </section>
          <PolicyPanel policy={policy as unknown as Policy} onSaved={refresh} />
        </>
      )}
    </div>
  );
}
