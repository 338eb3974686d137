// Links in emails carry plain UUIDs; the API speaks opaque global IDs ("Type:uuid", base64url).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function globalId(type: string, id: string): string {
  if (!UUID.test(id)) return id;
  return btoa(`${type}:${id}`).replace(/\+/g, "-").replace(/\//g, "_");
}

/** "AT_RISK" -> "At risk", "AgendaItem" -> "Agenda item". */
export function humanize(value: string): string {
  const text = value.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Decimals come as strings with their scale ("1.0000"): show them without the noise. */
export function formatNumber(value: string | null | undefined): string {
  if (value == null || value === "") return "–";
  const number = Number(value);
  return Number.isFinite(number) ? number.toLocaleString("en", { maximumFractionDigits: 2 }) : value;
}

export function formatDateTime(iso: string): string {
  // Times come already in the viewer's own zone (localStartsAt): show them as written.
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!match) return iso;
  const [, y, m, d, hh, mm] = match;
  const day = new Date(Date.UTC(+y, +m - 1, +d));
  const date = day.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  return `${date}, ${hh}:${mm}`;
}
