// Meetings of the workspace: upcoming and past, in the viewer's own time zone; the KAM
// schedules a meeting or a weekly series.
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";

import { formatDateTime, globalId, humanize } from "../api/ids";
import { ErrorMessage, FieldErrors, mutationErrors, InternalBadge, Loading, type UserError } from "../components/status";
import { graphql } from "../gql";
import { useNow } from "../live/clock";
import { useWorkspaceEvents } from "../live/live";
import { useViewer } from "../live/viewer";

// The elements this page shows: changes to others do not refetch it.
const MEETINGS_TYPES = ["Meeting", "MeetingSeries"];

const MEETINGS = graphql(`
  query Meetings($ws: ID!) {
    node(id: $ws) {
      ... on Workspace {
        id
        viewerPermissions
      }
    }
    meetings(workspaceId: $ws, first: 100) {
      nodes {
        id
        title
        meetingType
        status
        startsAt
        localStartsAt
        visibility
        attendees {
          id
        }
      }
    }
  }
`);

const CREATE_MEETING = graphql(`
  mutation CreateMeeting($input: CreateMeetingInput!) {
    createMeeting(input: $input) {
      meeting {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const CREATE_SERIES = graphql(`
  mutation CreateSeries($input: CreateMeetingSeriesInput!) {
    createMeetingSeries(input: $input) {
      series {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const SCHEDULE_SERIES = graphql(`
  mutation ScheduleSeries($input: ScheduleSeriesMeetingsInput!) {
    scheduleSeriesMeetings(input: $input) {
      meetings {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

const TYPES = ["WEEKLY_STANDING", "KICK_OFF", "MONTHLY_EXECUTIVE_REVIEW", "QUARTERLY_BUSINESS_REVIEW", "JOINT_PLANNING", "OTHER"] as const;

function Schedule({ ws, onDone }: { ws: string; onDone: () => void }) {
  const viewer = useViewer();
  const [, create] = useMutation(CREATE_MEETING);
  const [, createSeries] = useMutation(CREATE_SERIES);
  const [, scheduleSeries] = useMutation(SCHEDULE_SERIES);
  const [errors, setErrors] = useState<UserError[]>([]);
  const zone = viewer.timeZone === "UTC" ? Intl.DateTimeFormat().resolvedOptions().timeZone : viewer.timeZone;

  /** A weekly series from the chosen local day and time, with its meetings for eight weeks. */
  async function repeatWeekly(data: FormData, local: string): Promise<UserError[]> {
    const [day, time] = local.split("T");
    const weekday = WEEKDAYS[new Date(`${day}T12:00:00Z`).getUTCDay()];
    const made = await createSeries({ input: {
      workspaceId: ws,
      title: String(data.get("title") ?? ""),
      meetingType: data.get("meetingType") as (typeof TYPES)[number],
      rrule: `FREQ=WEEKLY;BYDAY=${weekday}`,
      timeZone: zone,
      startsOn: day,
      localStartTime: `${time.slice(0, 5)}:00`,
    } });
    const series = made.data?.createMeetingSeries.series;
    if (!series) return mutationErrors(made, made.data?.createMeetingSeries);
    const until = new Date(Date.now() + 8 * 7 * 86_400_000).toISOString();
    const scheduled = await scheduleSeries({ input: { seriesId: series.id, until } });
    return mutationErrors(scheduled, scheduled.data?.scheduleSeriesMeetings);
  }
  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const local = String(data.get("startsAt") ?? "");
    if (!local) return setErrors([{ field: "startsAt", code: "REQUIRED", message: "Choose when it starts." }]);
    if (data.get("weekly")) {
      const left = await repeatWeekly(data, local);
      setErrors(left);
      if (!left.length) onDone();
      return;
    }
    // The browser knows its offset for that moment; the API wants an explicit one.
    const startsAt = new Date(local).toISOString();
    const result = await create({ input: {
      workspaceId: ws,
      title: String(data.get("title") ?? ""),
      meetingType: data.get("meetingType") as (typeof TYPES)[number],
      startsAt,
      timeZone: zone,
      videoLink: String(data.get("videoLink") ?? ""),
    } });
    const left = mutationErrors(result, result.data?.createMeeting);
    setErrors(left);
    if (!left.length) {
      event.currentTarget?.reset();
      onDone();
    }
  }
  return (
    <form className="card form" onSubmit={submit} aria-label="Schedule a meeting">
      <h2>Schedule a meeting</h2>
      <label>Title <input name="title" required /></label>
      <label>Type <select name="meetingType" defaultValue="WEEKLY_STANDING">{TYPES.map((t) => <option key={t} value={t}>{humanize(t)}</option>)}</select></label>
      <label>Starts <input name="startsAt" type="datetime-local" required /></label>
      <label>Video link <input name="videoLink" type="url" placeholder="https://" /></label>
      <label className="inline"><input type="checkbox" name="weekly" /> Repeat every week (at this local time, across daylight-saving changes)</label>
      <FieldErrors errors={errors} />
      <button type="submit" className="button">Schedule</button>
    </form>
  );
}

export function Meetings() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const [result, reexecute] = useQuery({ query: MEETINGS, variables: { ws } });
  const now = useNow();
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  useWorkspaceEvents(ws, refresh, MEETINGS_TYPES);
  if (result.fetching && !result.data) return <Loading what="meetings" />;
  if (result.error) return <ErrorMessage error={result.error} retry={refresh} />;
  const all = [...(result.data?.meetings.nodes ?? [])].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const upcoming = all.filter((m) => Date.parse(m.startsAt) >= now);
  const past = all.filter((m) => Date.parse(m.startsAt) < now).reverse();
  const node = result.data?.node;
  const canSchedule = !!node && "viewerPermissions" in node && node.viewerPermissions.includes("plan:submit");
  const list = (meetings: typeof all, empty: string) =>
    meetings.length === 0 ? <p className="empty">{empty}</p> : (
      <ul className="plain">
        {meetings.map((m) => (
          <li key={m.id} className="card row">
            <Link to={`/w/${ws}/meetings/${m.id}`}>{m.title}</Link>
            <span className="muted">{formatDateTime(m.localStartsAt)} · {humanize(m.meetingType)} · {humanize(m.status)}</span>
            <InternalBadge visibility={m.visibility} />
          </li>
        ))}
      </ul>
    );
  return (
    <div className="page">
      <h1>Meetings</h1>
      <div className="grid">
        <section aria-labelledby="upcoming-h">
          <h2 id="upcoming-h">Upcoming</h2>
          {list(upcoming, "Nothing scheduled.")}
          <h2>Past</h2>
          {list(past, "No meetings yet.")}
        </section>
        {canSchedule && <Schedule ws={ws} onDone={refresh} />}
      </div>
    </div>
  );
}
