// Live co-editing: a workspace's committed changes arrive over the subscription and the page
// refetches what it shows; who else has the page open comes from the presence subscription.
import { useEffect, useEffectEvent } from "react";
import { useSubscription } from "urql";

import { graphql } from "../gql";

const EVENTS = graphql(`
  subscription WorkspaceEvents($workspaceId: ID!) {
    workspaceEvents(workspaceId: $workspaceId) {
      kind
      nodeId
      fields
      actor {
        id
        displayName
      }
    }
  }
`);

const VIEWERS = graphql(`
  subscription Viewers($nodeId: ID!) {
    viewers(nodeId: $nodeId) {
      id
      displayName
    }
  }
`);

export type LiveEvent = { kind: string; nodeId: string; actor?: { id: string } | null };

/** Calls `onChange` for every change in the workspace (debounced a little: a save often
 * touches several rows). */
export function useWorkspaceEvents(workspaceId: string, onChange: (event: LiveEvent) => void) {
  // The latest `onChange` is called, without re-running the effect when the page passes a new one.
  const changed = useEffectEvent(onChange);
  const [result] = useSubscription({ query: EVENTS, variables: { workspaceId } });
  const event = result.data?.workspaceEvents;
  useEffect(() => {
    if (!event) return;
    // A newer event (or leaving the page) cancels the pending call.
    const timer = setTimeout(() => changed(event), 150);
    return () => clearTimeout(timer);
  }, [event]);
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();
}

/** "Who else is here": everyone with this page open, the viewer excluded. */
export function Viewers({ nodeId, selfId }: { nodeId: string; selfId?: string }) {
  const [result] = useSubscription({ query: VIEWERS, variables: { nodeId } });
  const others = (result.data?.viewers ?? []).filter((user) => user.id !== selfId);
  return (
    <div className="viewers" aria-live="polite" data-testid="viewers">
      {others.length === 0 ? (
        <span className="muted">Only you are here</span>
      ) : (
        <>
          <span className="muted">Also here:</span>
          <ul>
            {others.map((user) => (
              <li key={user.id} title={user.displayName} className="avatar">
                <span aria-hidden="true">{initials(user.displayName)}</span>
                <span className="sr-only">{user.displayName}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
