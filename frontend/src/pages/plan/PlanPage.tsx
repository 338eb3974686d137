// The account plan editor: objectives with measures, SWOT, initiatives, the contingency plan
// and the approval flow, plus the forecast chart. Both sides edit at once: others' changes
// arrive live, a conflicting save asks the user which version to keep. This is the page's
// shell and its query; each section is its own file beside it.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useQuery } from "urql";

import { globalId, humanize } from "../../api/ids";
import { ErrorMessage, Loading, type UserError } from "../../components/status";
import { graphql } from "../../gql";
import { useWorkspaceEvents, Viewers } from "../../live/live";
import { useViewer } from "../../live/viewer";
import { Approval } from "./Approval";
import { Contingency } from "./Contingency";
import { PlanForecast } from "./Forecast";
import { Initiatives } from "./Initiatives";
import { Objectives } from "./Objectives";
import { Swot } from "./Swot";

// The elements this page shows: changes to others do not refetch it.
const PLAN_TYPES = ["AccountPlan", "Objective", "Measure", "SwotEntry", "Initiative", "ContingencyPlan", "PlanComment", "ForecastEntry", "SalesGoal"];

const PLAN = graphql(`
  query Plan($ws: ID!) {
    accountPlans(workspaceId: $ws, first: 1) {
      nodes {
        id
        version
        title
        period
        status
        stage
        summary
        viewerCan {
          edit
          delete
          share
          comment
        }
        approvals {
          side
          decision
          comment
          approver {
            displayName
          }
        }
        objectives(first: 100) {
          nodes {
            id
            version
            side
            title
            status
            visibility
            viewerCan {
              edit
              delete
              share
              comment
            }
            owner {
              displayName
            }
            measures {
              id
              version
              name
              target
              current
              unit
              progressPct
              visibility
              viewerCan {
                edit
                delete
                share
                comment
              }
            }
          }
        }
        swot(first: 100) {
          nodes {
            id
            kind
            text
            visibility
            viewerCan {
              edit
              delete
              share
              comment
            }
          }
        }
        initiatives(first: 100) {
          nodes {
            id
            title
            team
            description
            visibility
            viewerCan {
              edit
              delete
              share
              comment
            }
            owner {
              displayName
            }
          }
        }
        contingency {
          id
          version
          revenueAtRisk
          trigger
          response
          visibility
          viewerCan {
            edit
            delete
            share
            comment
          }
        }
      }
    }
  }
`);

export function Plan() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const viewer = useViewer();
  const [result, reexecute] = useQuery({ query: PLAN, variables: { ws } });
  const [changes, setChanges] = useState(0);
  const refresh = () => {
    reexecute({ requestPolicy: "network-only" });
    setChanges((n) => n + 1);
  };
  useWorkspaceEvents(ws, refresh, PLAN_TYPES);
  // What the approval flow or a removal was refused for, shown in the approval section.
  const [flowErrors, setFlowErrors] = useState<UserError[]>([]);
  const removed = (errors: UserError[]) => {
    setFlowErrors(errors);
    refresh();
  };

  if (result.fetching && !result.data) return <Loading what="the account plan" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const plan = result.data?.accountPlans.nodes[0];
  if (!plan) return <p className="empty">This workspace has no account plan yet. The KAM drafts it.</p>;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>{plan.title}</h1>
          <p className="muted">
            {plan.period} · <span data-testid="plan-status">{humanize(plan.status)}</span> · {humanize(plan.stage)}
          </p>
        </div>
        <Viewers nodeId={plan.id} selfId={viewer.user?.id} />
      </header>
      {plan.summary && <p className="lead">{plan.summary}</p>}

      <Approval plan={plan} errors={flowErrors} onErrors={setFlowErrors} onChanged={refresh} />
      <Objectives planId={plan.id} objectives={plan.objectives.nodes} canAdd={plan.viewerCan.edit} onSaved={refresh} />
      <Swot planId={plan.id} entries={plan.swot.nodes} canAdd={plan.viewerCan.edit} onSaved={refresh} onRemoved={removed} />
      <Initiatives planId={plan.id} initiatives={plan.initiatives.nodes} canAdd={plan.viewerCan.edit} onSaved={refresh} onRemoved={removed} />
      <Contingency planId={plan.id} current={plan.contingency ?? null} canAdd={plan.viewerCan.edit} onSaved={refresh} />

      <PlanForecast ws={ws} year={Number.parseInt(plan.period, 10) || new Date().getFullYear()} version={changes} />
    </div>
  );
}
