// The stock board: the customer's location tree (HQ › region › district › branch), each
// location with its subtree's red/yellow/green counts and a freshness badge; the chosen
// location's products with their status and arithmetic, and its open alerts.
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";

import { formatDateTime, globalId, humanize } from "../../api/ids";
import { ErrorMessage, Loading } from "../../components/status";
import { graphql } from "../../gql";
import { useWorkspaceEvents } from "../../live/live";
import { Alerts } from "./Alerts";
import { age, showValue } from "./logic";
import { FreshnessBadge, StatusBadge } from "./StatusBadge";
import { StockTabs } from "./StockTabs";

const TYPES = ["StockReport", "StockPolicy", "StockAlert", "Order", "Location"];

const LOCATIONS = graphql(`
  query StockLocations($ws: ID!) {
    node(id: $ws) {
      id
      ... on Workspace {
        locations(first: 100) {
          nodes {
            id
            name
            kind
            parent {
              id
            }
          }
        }
      }
    }
  }
`);

export const StockSummaryFields = graphql(`
  fragment StockSummaryFields on StockSummary {
    red
    yellow
    green
    positions
    freshness
    latestReport
    oldestReport
    unreportedLocations
  }
`);

const BOARD_CHILDREN = graphql(`
  query StockBoardChildren($ws: ID!, $location: ID!) {
    stockBoard(workspaceId: $ws, locationId: $location) {
      location {
        id
      }
      total {
        ...StockSummaryFields
      }
      children {
        location {
          id
        }
        total {
          ...StockSummaryFields
        }
      }
    }
  }
`);

const SELECTED = graphql(`
  query StockAtLocation($ws: ID!, $location: ID!) {
    stockBoard(workspaceId: $ws, locationId: $location) {
      location {
        id
        name
        kind
        city
      }
      own {
        ...StockSummaryFields
      }
      total {
        ...StockSummaryFields
      }
    }
    stockPositions(workspaceId: $ws, locationId: $location, first: 100) {
      nodes {
        product {
          id
          sku
          name
        }
        location {
          id
        }
        asOf
        onHand
        inventoryPosition
        daysOfSupply
        projectedStockoutDate
        reorderPoint
        status
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

type Summary = {
  red: number;
  yellow: number;
  green: number;
  positions: number;
  freshness: string;
  latestReport?: string | null;
  oldestReport?: string | null;
  unreportedLocations: number;
};

type Place = { id: string; name: string; kind: string; parent?: { id: string } | null };

export function Counts({ summary }: { summary: Summary }) {
  return (
    <span className="counts" aria-label={`${summary.red} red, ${summary.yellow} yellow, ${summary.green} green`}>
      <span className="badge stock-red" aria-hidden="true">{summary.red}</span>
      <span className="badge stock-yellow" aria-hidden="true">{summary.yellow}</span>
      <span className="badge stock-green" aria-hidden="true">{summary.green}</span>
    </span>
  );
}

function freshnessDetail(summary: Summary): string | undefined {
  if (!summary.oldestReport) return undefined;
  const seconds = (Date.now() - Date.parse(summary.oldestReport)) / 1000;
  return age(seconds);
}

/** One location of the tree; expanded, it asks the board of its children's counts. */
function TreeNode({ ws, place, summary, places, selected, onSelect, depth }: {
  ws: string;
  place: Place;
  summary?: Summary;
  places: readonly Place[];
  selected: string;
  onSelect: (id: string) => void;
  depth: number;
}) {
  const children = places.filter((p) => p.parent?.id === place.id);
  const [open, setOpen] = useState(depth < 3);
  const [result] = useQuery({ query: BOARD_CHILDREN, variables: { ws, location: place.id }, pause: !open && summary !== undefined });
  const board = result.data?.stockBoard;
  const own = summary ?? board?.total;
  const childSummary = (id: string) => board?.children.find((c) => c.location.id === id)?.total;
  return (
    <li>
      <div className="row">
        {children.length > 0 && (
          <button type="button" className="link" aria-expanded={open} aria-label={`${open ? "Collapse" : "Expand"} ${place.name}`}
            onClick={() => setOpen(!open)}>{open ? "▾" : "▸"}</button>
        )}
        <button type="button" className="node" aria-current={selected === place.id} onClick={() => onSelect(place.id)}
          data-testid="location-node" data-name={place.name}>
          <span><strong>{place.name}</strong> <span className="muted">{humanize(place.kind)}</span></span>
          {own ? (
            <span className="row"><Counts summary={own} /> <FreshnessBadge freshness={own.freshness} detail={freshnessDetail(own)} /></span>
          ) : (
            <span className="muted">…</span>
          )}
        </button>
      </div>
      {open && children.length > 0 && (
        <ul>
          {children.map((child) => (
            <TreeNode key={child.id} ws={ws} place={child} summary={childSummary(child.id)} places={places}
              selected={selected} onSelect={onSelect} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

function descendants(places: readonly Place[], id: string): Set<string> {
  const found = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of places) {
      if (p.parent && found.has(p.parent.id) && !found.has(p.id)) {
        found.add(p.id);
        grew = true;
      }
    }
  }
  return found;
}

function LocationStock({ ws, location, places }: { ws: string; location: string; places: readonly Place[] }) {
  const workspaceId = useParams().workspaceId;
  const [result, reexecute] = useQuery({ query: SELECTED, variables: { ws, location } });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, TYPES);
  if (result.fetching && !result.data) return <Loading what="the location's stock" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const board = result.data?.stockBoard;
  if (!board) return <ErrorMessage error="This location is not in the workspace." />;
  const rank: Record<string, number> = { RED: 0, YELLOW: 1, GREEN: 2 };
  // The most urgent first: red, then yellow, then green, each by SKU.
  const positions = [...(result.data?.stockPositions.nodes ?? [])].sort(
    (a, b) => (rank[a.status] ?? 3) - (rank[b.status] ?? 3) || a.product.sku.localeCompare(b.product.sku),
  );
  const below = descendants(places, location);
  const alerts = (result.data?.stockAlerts ?? []).filter((a) => a.location && below.has(a.location.id));
  const hasChildren = places.some((p) => p.parent?.id === location);
  return (
    <section aria-labelledby="location-title" data-testid="location-stock">
      <h2 id="location-title">{board.location.name}</h2>
      <p className="row">
        <Counts summary={board.total} />
        <FreshnessBadge freshness={board.total.freshness} detail={freshnessDetail(board.total)} />
        <span className="muted">
          {board.total.positions} products{hasChildren ? " here and below" : ""}
          {board.total.latestReport ? ` · latest report ${formatDateTime(board.total.latestReport)}` : ""}
          {board.total.unreportedLocations ? ` · ${board.total.unreportedLocations} locations never reported` : ""}
        </span>
      </p>
      <h3>Products</h3>
      {positions.length === 0 ? (
        <p className="empty">
          {hasChildren ? `No stock is reported at ${board.location.name} itself: choose a location below it.` : "No stock reported here yet."}
        </p>
      ) : (
        <div className="scroll">
          <table className="table" aria-label={`Products at ${board.location.name}`}>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">On hand</th>
                <th scope="col" className="num">Inventory position</th>
                <th scope="col" className="num">Days of supply</th>
                <th scope="col">Runs out</th>
                <th scope="col" className="num">Reorder point</th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <tr key={p.product.id} data-testid="position" data-sku={p.product.sku}>
                  <td>
                    <Link to={`/w/${workspaceId}/stock/locations/${encodeURIComponent(location)}/products/${encodeURIComponent(p.product.id)}`}>
                      {p.product.sku}
                    </Link>{" "}
                    {p.product.name}
                  </td>
                  <td><StatusBadge status={p.status} /></td>
                  <td className="num">{p.onHand}</td>
                  <td className="num">{p.inventoryPosition}</td>
                  <td className="num">{p.daysOfSupply == null ? "–" : showValue(Math.round(p.daysOfSupply * 10) / 10)}</td>
                  <td>{p.projectedStockoutDate ?? "–"}</td>
                  <td className="num">{p.reorderPoint == null ? "–" : showValue(Math.round(p.reorderPoint))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Open alerts</h3>
      <Alerts alerts={alerts} />
    </section>
  );
}

export function StockBoard() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [search, setSearch] = useSearchParams();
  const [result, reexecute] = useQuery({ query: LOCATIONS, variables: { ws } });
  const node = result.data?.node;
  const places: readonly Place[] = node && "locations" in node ? node.locations.nodes : [];
  const roots = places.filter((p) => !p.parent || !places.some((q) => q.id === p.parent?.id));
  const selected = search.get("location") ?? roots[0]?.id ?? "";
  const select = (id: string) => setSearch({ location: id });
  return (
    <div className="page">
      <StockTabs />
      <h1>Stock board</h1>
      {result.fetching && !result.data ? (
        <Loading what="the locations" />
      ) : result.error ? (
        <ErrorMessage error={result.error} retry={() => reexecute({ requestPolicy: "network-only" })} />
      ) : roots.length === 0 ? (
        <p className="empty">The customer has no locations yet.</p>
      ) : (
        <div className="stock-layout">
          <nav aria-label="Locations">
            <ul className="location-tree">
              {roots.map((root) => (
                <TreeNode key={root.id} ws={ws} place={root} places={places} selected={selected} onSelect={select} depth={0} />
              ))}
            </ul>
          </nav>
          {selected && <LocationStock ws={ws} location={selected} places={places} />}
        </div>
      )}
    </div>
  );
}
