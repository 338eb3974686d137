// How each location's stock is doing over a window of days, rolled up the location tree (fill
// rate, stock-out days, turns, days of supply), and what sells across the account's
// locations: the KAM is measured on the whole account's volume.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useQuery } from "urql";

import { ErrorMessage, Loading } from "../../components/status";
import { graphql } from "../../gql";
import { StockTabs } from "./StockTabs";

export const ScorecardFiguresFragment = graphql(`
  fragment ScorecardFigures on StockFigures {
    fillRate
    stockoutDays
    turns
    daysOfSupply
    sold
    onHand
  }
`);

const SCORECARDS = graphql(`
  query StockScorecards($ws: ID!, $days: Int!) {
    stockScorecards(workspaceId: $ws, days: $days) {
      location { id name kind }
      total { ...ScorecardFigures }
      children {
        location { id name kind }
        total { ...ScorecardFigures }
        children {
          location { id name kind }
          total { ...ScorecardFigures }
          children {
            location { id name kind }
            total { ...ScorecardFigures }
          }
        }
      }
    }
    sellThrough(workspaceId: $ws, days: $days, first: 20) {
      nodes { sold product { id sku name productLine } }
    }
  }
`);

export type Figures = {
  fillRate?: number | null;
  stockoutDays: number;
  turns?: number | null;
  daysOfSupply?: number | null;
  sold: number;
  onHand: number;
};

type Card = {
  location: { id: string; name: string; kind: string };
  total: Figures;
  children?: Card[] | null;
};

const WINDOWS = [28, 91, 365];

/** The figures as a row reads them: a percentage, whole units, one decimal. */
export function figureCells(f: Figures): string[] {
  const maybe = (value: number | null | undefined, show: (v: number) => string) =>
    value == null ? "–" : show(value);
  return [
    maybe(f.fillRate, (v) => `${(v * 100).toFixed(1)} %`),
    String(f.stockoutDays),
    maybe(f.turns, (v) => v.toFixed(1)),
    maybe(f.daysOfSupply, (v) => v.toFixed(1)),
    Math.round(f.sold).toLocaleString("en"),
    f.onHand.toLocaleString("en"),
  ];
}

function Rows({ card, depth }: { card: Card; depth: number }) {
  const figures = card.total;
  return (
    <>
      <tr>
        <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.25}rem` }}>{card.location.name}</th>
        {figureCells(figures).map((cell, n) => <td key={n} className="number">{cell}</td>)}
      </tr>
      {(card.children ?? []).map((child) => <Rows key={child.location.id} card={child} depth={depth + 1} />)}
    </>
  );
}

export function Scorecards() {
  const ws = useParams().workspaceId!;
  const [days, setDays] = useState(28);
  const [{ data, fetching, error }, refetch] = useQuery({ query: SCORECARDS, variables: { ws, days } });
  return (
    <div className="page">
      <StockTabs />
      <div className="page-head">
        <h1>Scorecards</h1>
        <label className="inline">
          Over the last{" "}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {WINDOWS.map((d) => <option key={d} value={d}>{d} days</option>)}
          </select>
        </label>
      </div>
      {fetching && !data ? <Loading what="scorecards" /> : null}
      {error ? <ErrorMessage error={error} retry={() => refetch({ requestPolicy: "network-only" })} /> : null}
      {data ? (
        <>
          <section className="card" aria-labelledby="scorecards">
            <h2 id="scorecards">Locations</h2>
            <table className="table" aria-label="Scorecards by location">
              <thead>
                <tr>
                  <th scope="col">Location</th>
                  <th scope="col">Fill rate</th>
                  <th scope="col">Stock-out days</th>
                  <th scope="col">Turns a year</th>
                  <th scope="col">Days of supply</th>
                  <th scope="col">Sold</th>
                  <th scope="col">On hand</th>
                </tr>
              </thead>
              <tbody>
                {data.stockScorecards.map((card) => <Rows key={card.location.id} card={card} depth={0} />)}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="sell-through">
            <h2 id="sell-through">Sell-through across all locations</h2>
            {data.sellThrough.nodes.length === 0 ? (
              <p className="empty">Nothing sold in this window.</p>
            ) : (
              <table className="table" aria-label="Sell-through">
                <thead>
                  <tr><th scope="col">Product</th><th scope="col">Line</th><th scope="col">Units sold</th></tr>
                </thead>
                <tbody>
                  {data.sellThrough.nodes.map((row) => (
                    <tr key={row.product.id}>
                      <td>{row.product.sku} {row.product.name}</td>
                      <td>{row.product.productLine}</td>
                      <td className="number">{Math.round(row.sold).toLocaleString("en")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}
