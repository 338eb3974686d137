// The viewer's workspaces: one per key account they work on.
import { Link } from "react-router-dom";
import { useQuery } from "urql";

import { ErrorMessage, Loading } from "../components/status";
import { graphql } from "../gql";
import { useViewer } from "../live/viewer";

const WORKSPACES = graphql(`
  query Workspaces {
    viewer {
      workspaces(first: 100) {
        nodes {
          id
          name
          description
          viewerRole
          memberCount
          keyAccount {
            id
            tier
            kam {
              id
              displayName
            }
          }
        }
      }
    }
  }
`);

export function Workspaces() {
  const viewer = useViewer();
  const [result, reexecute] = useQuery({ query: WORKSPACES });
  if (result.fetching && !result.data) return <Loading what="your workspaces" />;
  if (result.error) return <ErrorMessage error={result.error} retry={() => reexecute()} />;
  const workspaces = result.data?.viewer?.workspaces.nodes ?? [];
  return (
    <section aria-labelledby="workspaces-h">
      <h1 id="workspaces-h">Welcome, {viewer.user?.displayName}</h1>
      {workspaces.length === 0 ? (
        <p className="empty">You are not in any workspace yet. Ask your key account manager for an invitation.</p>
      ) : (
        <ul className="cards" aria-label="Your workspaces">
          {workspaces.map((workspace) => (
            <li key={workspace.id} className="card">
              <h2>
                <Link to={`/w/${workspace.id}`}>{workspace.name}</Link>
              </h2>
              <p>{workspace.description}</p>
              <p className="muted">
                {workspace.memberCount} members
                {workspace.keyAccount?.kam ? ` · KAM ${workspace.keyAccount.kam.displayName}` : ""}
                {workspace.keyAccount?.tier ? ` · ${workspace.keyAccount.tier}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
