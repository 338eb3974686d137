// The pipeline: opportunities by stage, lost ones with their post-mortem.
import { useParams } from "react-router-dom";
import { useQuery } from "urql";

import { globalId, humanize } from "../api/ids";
import { ErrorMessage, InternalBadge, Loading } from "../components/status";
import { graphql } from "../gql";
import { useWorkspaceEvents } from "../live/live";

// The elements this page shows: changes to others do not refetch it.
const PIPELINE_TYPES = ["Opportunity"];

const PIPELINE = graphql(`
  query Pipeline($ws: ID!) {
    opportunities(workspaceId: $ws, first: 100) {
      nodes {
        id
        name
        stage
        value
        currency
        expectedClose
        postMortem
        visibility
        owner {
          displayName
        }
      }
    }
    pipelineTotals(workspaceId: $ws) {
      stage
      currency
      count
      value
    }
  }
`);

const STAGES = ["NEW", "OPEN", "WON", "LOST"] as const;

export function Pipeline() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [result, reexecute] = useQuery({ query: PIPELINE, variables: { ws } });
  useWorkspaceEvents(ws, () => reexecute({ requestPolicy: "network-only" }), PIPELINE_TYPES);
  if (result.fetching && !result.data) return <Loading what="the pipeline" />;
  if (result.error) return <ErrorMessage error={result.error} retry={() => reexecute()} />;
  const opportunities = result.data?.opportunities.nodes ?? [];
  return (
    <div className="page">
      <h1>Pipeline</h1>
      <div className="board">
        {STAGES.map((stage) => {
          const total = result.data?.pipelineTotals.filter((t) => t.stage === stage) ?? [];
          return (
            <section key={stage} className="column" aria-labelledby={`stage-${stage}`}>
              <h2 id={`stage-${stage}`}>
                {humanize(stage)}{" "}
                <span className="muted">{total.map((t) => `${t.count} · ${t.value} ${t.currency}`).join(", ")}</span>
              </h2>
              <ul className="plain">
                {opportunities.filter((o) => o.stage === stage).map((o) => (
                  <li key={o.id} className="card">
                    <strong>{o.name}</strong> <InternalBadge visibility={o.visibility} />
                    <div className="muted">
                      {o.value} {o.currency}{o.expectedClose ? ` · closes ${o.expectedClose}` : ""}{o.owner ? ` · ${o.owner.displayName}` : ""}
                    </div>
                    {o.stage === "LOST" && o.postMortem && <p><em>Post-mortem:</em> {o.postMortem}</p>}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}
