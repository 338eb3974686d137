// One product at one location: its days on a chart, its policy with each parameter's owner
// (the viewer sets its side's, proposes the rest), and the change requests waiting.
import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";

import { globalId } from "../../api/ids";
import { ErrorMessage, Loading } from "../../components/status";
import { graphql } from "../../gql";
import { useWorkspaceEvents } from "../../live/live";
import { Alerts } from "./Alerts";
import { PolicyPanel, type Policy } from "./PolicyPanel";
import { StockTabs } from "./StockTabs";

const TYPES = ["StockPolicy", "ParameterChange", "StockReport", "StockAlert"];

const PRODUCT_STOCK = graphql(`
  query ProductStock($ws: ID!, $location: ID!, $product: ID!) {
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
    stockAlerts(workspaceId: $ws) {
      kind
      raisedAt
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
  const [result, reexecute] = useQuery({ query: PRODUCT_STOCK, variables: { ws, location, product } });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, TYPES);

  const policy = result.data?.stockPolicies.nodes[0];
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
