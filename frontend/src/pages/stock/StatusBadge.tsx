// A stock status or freshness as a badge: a word and a colour, never the colour alone.
import { freshnessOf, statusOf } from "./logic";

export function StatusBadge({ status }: { status: string }) {
  const s = statusOf(status);
  return (
    <span className={`badge ${s.className}`} title={s.meaning} data-status={status}>
      {s.label}
    </span>
  );
}

export function FreshnessBadge({ freshness, detail }: { freshness: string; detail?: string }) {
  const f = freshnessOf(freshness);
  return (
    <span className={`badge ${f.className}`} title={detail}>
      {f.label}{detail ? ` · ${detail}` : ""}
    </span>
  );
}
