// The viewer's own settings: name, the time zone they see times in, and their calendar feed
// (a secret URL for a calendar app, shown once, revocable).
import { useContext, useState } from "react";
import { useMutation, useQuery } from "urql";

import { ErrorMessage, FieldErrors, Loading, mutationErrors, type UserError } from "../components/status";
import { graphql } from "../gql";
import { ViewerContext } from "../live/viewer";

const FEED = graphql(`
  query MyCalendarFeed {
    calendarFeed {
      createdAt
      lastUsedAt
    }
  }
`);

const UPDATE = graphql(`
  mutation UpdateMyProfile($input: UpdateMyProfileInput!) {
    updateMyProfile(input: $input) {
      timeZone
      user {
        id
        displayName
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const CREATE_FEED = graphql(`
  mutation CreateCalendarFeed {
    createCalendarFeed {
      url
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const REVOKE_FEED = graphql(`
  mutation RevokeCalendarFeed {
    revokeCalendarFeed {
      revoked
      errors {
        ...UserErrorFields
      }
    }
  }
`);

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? ["UTC", ...intl.supportedValuesOf("timeZone")] : ["UTC"];
}

export function Profile() {
  const { viewer, refresh } = useContext(ViewerContext);
  const [feed, refetchFeed] = useQuery({ query: FEED, requestPolicy: "network-only" });
  const [, update] = useMutation(UPDATE);
  const [, createFeed] = useMutation(CREATE_FEED);
  const [, revokeFeed] = useMutation(REVOKE_FEED);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [saved, setSaved] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  if (!viewer?.user) return <ErrorMessage error="Only people have a profile." />;
  return (
    <div className="page">
      <h1>Your settings</h1>
      <form className="card form" aria-label="Your profile" onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const r = await update({ input: { displayName: String(data.get("displayName") ?? ""), timeZone: String(data.get("timeZone") ?? "") } });
        const left = mutationErrors(r, r.data?.updateMyProfile);
        setErrors(left);
        setSaved(!left.length);
        refresh();
      }}>
        <label>Your name <input name="displayName" defaultValue={viewer.user.displayName} autoComplete="name" /></label>
        <label>
          Time zone
          <select name="timeZone" defaultValue={viewer.timeZone}>
            {zones().map((zone) => <option key={zone} value={zone}>{zone.replace(/_/g, " ")}</option>)}
          </select>
          <small>Meeting times, reminders and your daily digest follow it.</small>
        </label>
        <FieldErrors errors={errors} />
        {saved && <p className="success" role="status">Saved.</p>}
        <button type="submit" className="button">Save</button>
      </form>
      <section className="card" aria-labelledby="feed-h">
        <h2 id="feed-h">Calendar feed</h2>
        <p>Subscribe to your meetings from any calendar app. The address is secret: anyone who has it sees your meetings.</p>
        {feed.fetching && !feed.data ? <Loading what="your calendar feed" /> : feed.error ? <ErrorMessage error={feed.error} /> : (
          <p className="muted" data-testid="feed-status">
            {feed.data?.calendarFeed
              ? `Active since ${new Date(feed.data.calendarFeed.createdAt).toLocaleDateString()}${feed.data.calendarFeed.lastUsedAt ? `, last read ${new Date(feed.data.calendarFeed.lastUsedAt).toLocaleString()}` : ", not read yet"}.`
              : "You have no calendar feed."}
          </p>
        )}
        {url && (
          <p className="success" role="status">
            Your feed address (shown this once): <code data-testid="feed-url">{url}</code>
          </p>
        )}
        <div className="actions">
          <button type="button" className="button secondary" onClick={async () => {
            const r = await createFeed({});
            setUrl(r.data?.createCalendarFeed.url ?? null);
            setErrors(mutationErrors(r, r.data?.createCalendarFeed));
            refetchFeed({ requestPolicy: "network-only" });
          }}>{feed.data?.calendarFeed ? "Replace the address" : "Create a feed address"}</button>
          {feed.data?.calendarFeed && (
            <button type="button" className="button secondary" onClick={async () => {
              await revokeFeed({});
              setUrl(null);
              refetchFeed({ requestPolicy: "network-only" });
            }}>Stop the feed</button>
          )}
        </div>
      </section>
    </div>
  );
}
