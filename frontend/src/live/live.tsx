// Live co-editing: a workspace's committed changes arrive over the subscription and the page
// refetches what it shows; who else has the page open comes from the presence subscription.
import { useContext, useEffect, useEffectEvent } from "react";
import { useSubscription } from "urql";

import { graphql } from "../gql";
import { ViewerContext } from "./viewer";

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

export type LiveEvent = { kind: string; nodeId: string; fields?: readonly string[]; actor?: { id: string } | null };

/** Does this event concern a page that shows elements of `types` (all, without)? An event's
 * kind is `<Type>.<action>`, e.g. `Objective.updated`. */
export function concerns(event: LiveEvent, types?: readonly string[]): boolean {
  return !types || types.includes(event.kind.split(".")[0]);
}

/** Calls `onChange` for the changes of the workspace that the page shows (`types`), made by
 * someone else: the page refreshes itself after its own saves. Debounced a little, since a
 * save often touches several rows. */
export function useWorkspaceEvents(
  workspaceId: string,
  onChange: (event: LiveEvent) => void,
  types?: readonly string[],
) {
  // The latest `onChange` is called, without re-running the effect when the page passes a new one.
  const changed = useEffectEvent(onChange);
  const self = useContext(ViewerContext).viewer?.user?.id;
  const [result] = useSubscription({ query: EVENTS, variables: { workspaceId } });
  const event = result.data?.workspaceEvents;
  useEffect(() => {
    if (!event || !concerns(event, types) || (self && event.actor?.id === self)) return;
    // A newer event (or leaving the page) cancels the pending call.
    const timer = setTimeout(() => changed(event), 150);
    return () => clearTimeout(timer);
    // `types` is a constant list per page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [event, self]);
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
