// The forecast of the plan's year against the actuals, refreshed with the page.
import { useEffect } from "react";
import { useQuery } from "urql";

import { ErrorMessage, Loading } from "../../components/status";
import { graphql } from "../../gql";
import { ForecastChart } from "./ForecastChart";

const FORECAST = graphql(`
  query PlanForecast($ws: ID!, $year: Int!) {
    forecast(workspaceId: $ws, year: $year) {
      year
      ytdAttainmentPct
      goalAttainmentPct
      months {
        month
        forecast
        actual
        flagged
      }
    }
  }
`);

/** The forecast of the plan's year, refreshed with the page. */
export function PlanForecast({ ws, year, version }: { ws: string; year: number; version: number }) {
  const [result, reexecute] = useQuery({ query: FORECAST, variables: { ws, year } });
  useEffect(() => {
    if (version) reexecute({ requestPolicy: "network-only" });
  }, [version, reexecute]);
  if (result.fetching && !result.data) return <Loading what="the forecast" />;
  if (result.error) return <ErrorMessage error={result.error} />;
  const forecast = result.data!.forecast;
  return (
    <section className="card" aria-labelledby="forecast-h">
      <h2 id="forecast-h">Forecast against actuals {forecast.year}</h2>
      <p>
        Year to date <strong>{forecast.ytdAttainmentPct ?? "–"}%</strong> of forecast,{" "}
        <strong>{forecast.goalAttainmentPct ?? "–"}%</strong> of the annual goal.
      </p>
      <ForecastChart months={forecast.months} title={`Forecast and actual sales per month, ${forecast.year}`} />
    </section>
  );
}
