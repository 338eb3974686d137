// What the viewer may do in the current workspace, as the API says (`viewerPermissions`). Pages
// show an action only where the API allows it; they never decide from the side or role name.
import { useParams } from "react-router-dom";
import { useQuery } from "urql";

import { globalId } from "../api/ids";
import { graphql } from "../gql";

const PERMISSIONS = graphql(`
  query WorkspacePermissions($ws: ID!) {
    node(id: $ws) {
      id
      ... on Workspace {
        viewerPermissions
      }
    }
  }
`);

/** The viewer's permissions in the workspace of the current page (none while loading). */
export function useWorkspacePermissions(): ReadonlySet<string> {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [result] = useQuery({ query: PERMISSIONS, variables: { ws } });
  const node = result.data?.node;
  return new Set(node && "viewerPermissions" in node ? node.viewerPermissions : []);
}

/** May the viewer do this in the current workspace? e.g. `useCan("visibility:manage")`. */
export function useCan(permission: string): boolean {
  return useWorkspacePermissions().has(permission);
}
