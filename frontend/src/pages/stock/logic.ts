// The inventory pages' logic without React: status colours, freshness, what the viewer does
// with each policy parameter (as the API says), and a replenishment explanation made readable.
import { formatNumber, humanize } from "../../api/ids";

export type StockStatus = "RED" | "YELLOW" | "GREEN";

/** A status's words and colour class: colour is never the only signal. */
export const STATUS: Record<StockStatus, { label: string; className: string; meaning: string }> = {
  RED: { label: "Red", className: "stock-red", meaning: "out of stock, or below one lead time's demand" },
  YELLOW: { label: "Yellow", className: "stock-yellow", meaning: "at or below the reorder point" },
  GREEN: { label: "Green", className: "stock-green", meaning: "above the reorder point" },
};

export function statusOf(value: string): (typeof STATUS)[StockStatus] {
  return STATUS[value as StockStatus] ?? { label: humanize(value), className: "stock-unknown", meaning: "" };
}

export type Freshness = "FRESH" | "AGING" | "STALE" | "NO_DATA";

export const FRESHNESS: Record<Freshness, { label: string; className: string }> = {
  FRESH: { label: "Fresh", className: "fresh" },
  AGING: { label: "Aging", className: "aging" },
  STALE: { label: "Stale", className: "stale" },
  NO_DATA: { label: "No data", className: "stale" },
};

export function freshnessOf(value: string): { label: string; className: string } {
  return FRESHNESS[value as Freshness] ?? { label: humanize(value), className: "aging" };
}

/** "3 h", "2 days": how old a location's figures are. */
export function age(seconds: number | null | undefined): string {
  if (seconds == null) return "never reported";
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

// --- policy parameters --------------------------------------------------------------------------

export type Parameter =
  | "METHOD"
  | "MIN_QTY"
  | "MAX_QTY"
  | "SERVICE_LEVEL"
  | "REVIEW_PERIOD_DAYS"
  | "LEAD_TIME_DAYS"
  | "LEAD_TIME_SD_DAYS"
  | "DEMAND_WINDOW_DAYS"
  | "AUTO_APPROVE_MAX_QTY";

/** Each parameter: its label, the policy's field, the update input's field, and its kind. */
export const PARAMETERS: { parameter: Parameter; label: string; field: string; kind: "method" | "int" | "decimal"; optional: boolean }[] = [
  { parameter: "METHOD", label: "Method", field: "method", kind: "method", optional: false },
  { parameter: "MIN_QTY", label: "Min", field: "minQty", kind: "int", optional: true },
  { parameter: "MAX_QTY", label: "Max", field: "maxQty", kind: "int", optional: true },
  { parameter: "SERVICE_LEVEL", label: "Service level", field: "serviceLevel", kind: "decimal", optional: false },
  { parameter: "REVIEW_PERIOD_DAYS", label: "Review period (days)", field: "reviewPeriodDays", kind: "int", optional: false },
  { parameter: "LEAD_TIME_DAYS", label: "Lead time (days)", field: "leadTimeDays", kind: "int", optional: true },
  { parameter: "LEAD_TIME_SD_DAYS", label: "Lead time deviation (days)", field: "leadTimeSdDays", kind: "decimal", optional: true },
  { parameter: "DEMAND_WINDOW_DAYS", label: "Demand window (days)", field: "demandWindowDays", kind: "int", optional: false },
  { parameter: "AUTO_APPROVE_MAX_QTY", label: "Auto-approve up to", field: "autoApproveMaxQty", kind: "int", optional: true },
];

export type Access = "edit" | "propose" | "read";

/** What the viewer does with a parameter: sets it when its side owns it (`viewerOwns`),
 * proposes a change when the API lets it (`viewerCanPropose`), else reads it. */
export function parameterAccess(
  policy: { viewerOwns: readonly string[]; viewerCanPropose: boolean },
  parameter: string,
): Access {
  if (policy.viewerOwns.includes(parameter)) return "edit";
  return policy.viewerCanPropose ? "propose" : "read";
}

/** A parameter's value as typed into the form, checked: the update's value, or an error. */
export function parseParameter(
  kind: "method" | "int" | "decimal",
  optional: boolean,
  text: string,
): { value: string | number | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return optional ? { value: null } : { error: "A value is required." };
  if (kind === "method") {
    return trimmed === "MIN_MAX" || trimmed === "REORDER_POINT" ? { value: trimmed } : { error: "Choose a method." };
  }
  if (kind === "int") {
    if (!/^\d+$/.test(trimmed)) return { error: "Enter a whole number, 0 or more." };
    return { value: Number(trimmed) };
  }
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { error: "Enter a number such as 0.95." };
  return { value: trimmed };
}

// --- explanations -------------------------------------------------------------------------------

export type ExplanationInput = { name: string; value: unknown };
export type ExplanationStep = { name: string; formula: string; value: unknown };
export type Explanation = {
  method?: string | null;
  inputs: readonly ExplanationInput[];
  steps: readonly ExplanationStep[];
  note?: string | null;
};

const INPUT_LABELS: Record<string, string> = {
  as_of: "Stock as of",
  on_hand: "On hand",
  in_transit: "In transit",
  on_order: "On order",
  committed: "Committed",
  ordered_since_report: "Ordered since the report",
  demand_mean: "Average daily demand (d̄)",
  demand_sd: "Daily demand deviation (sd(d))",
  demand_days: "Days of demand data",
  lead_time_days: "Lead time in days (L)",
  lead_time_sd_days: "Lead time deviation in days (sd(L))",
  lead_time_source: "Lead time from",
  review_period_days: "Review period in days (R)",
  service_level: "Service level",
  min_qty: "Min",
  max_qty: "Max",
  pack_multiple: "Pack multiple",
  min_order_qty: "Minimum order quantity (MOQ)",
  auto_approve_max_qty: "Auto-approved up to",
};

const STEP_LABELS: Record<string, string> = {
  z: "Safety factor",
  inventory_position: "Inventory position",
  safety_stock: "Safety stock",
  reorder_point: "Reorder point",
  order_up_to: "Order up to",
  trigger: "Reorder now?",
  need: "Quantity needed",
  rounded: "Rounded to packs",
  quantity: "Quantity proposed",
};

const NOTES: Record<string, string> = {
  capped_by_max: "Cut so the stock never goes above the location's max.",
  blocked_by_max: "Nothing ordered: the location's max leaves no room for a whole pack or the minimum order.",
};

function camelToSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export function inputLabel(name: string): string {
  return INPUT_LABELS[camelToSnake(name)] ?? humanize(camelToSnake(name));
}

export function stepLabel(name: string): string {
  return STEP_LABELS[camelToSnake(name)] ?? humanize(camelToSnake(name));
}

export function noteText(note: string | null | undefined): string | null {
  if (!note) return null;
  return NOTES[note] ?? humanize(note);
}

/** A value as a person reads it: yes/no, numbers without noise, "–" for none. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return formatNumber(String(value));
  if (typeof value === "string") {
    if (/^-?\d+(\.\d+)?$/.test(value)) return formatNumber(value);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 16).replace("T", " ") + " UTC";
    return value === "policy" || value === "product" ? `the ${value}` : value;
  }
  return JSON.stringify(value);
}

/** An explanation as the API gives it: typed lists, or the stored JSON (`inputs` an object). */
export function readExplanation(raw: unknown): Explanation | null {
  if (!raw || typeof raw !== "object") return null;
  const data = raw as Record<string, unknown>;
  const inputsRaw = data.inputs;
  const inputs: ExplanationInput[] = Array.isArray(inputsRaw)
    ? inputsRaw.map((i) => ({ name: String((i as ExplanationInput).name), value: (i as ExplanationInput).value }))
    : inputsRaw && typeof inputsRaw === "object"
      ? Object.entries(inputsRaw as Record<string, unknown>).map(([name, value]) => ({ name, value }))
      : [];
  const steps: ExplanationStep[] = Array.isArray(data.steps)
    ? data.steps.map((s) => ({ name: String(s.name), formula: String(s.formula ?? ""), value: s.value }))
    : [];
  return { method: (data.method as string | null | undefined) ?? null, inputs, steps, note: (data.note as string | null | undefined) ?? null };
}

// --- a proposal's decisions ---------------------------------------------------------------------

export type Choice = { decision?: "APPROVE" | "MODIFY" | "REJECT"; quantity?: string };
export type LineDecisionInput = { lineId: string; decision: "APPROVE" | "MODIFY" | "REJECT"; quantity?: number | null };

/** The decisions to send for a proposal's waiting lines, or what is missing: every waiting
 * line is decided at once, and a modified line needs a whole quantity of at least 1. */
export function decisionsFor(
  lines: readonly { id: string; label: string; waiting: boolean }[],
  choices: Readonly<Record<string, Choice>>,
): { lines: LineDecisionInput[] } | { errors: string[] } {
  const errors: string[] = [];
  const chosen: LineDecisionInput[] = [];
  for (const line of lines.filter((l) => l.waiting)) {
    const choice = choices[line.id];
    if (!choice?.decision) {
      errors.push(`Approve, modify or reject ${line.label}.`);
    } else if (choice.decision === "MODIFY") {
      const text = (choice.quantity ?? "").trim();
      if (!/^\d+$/.test(text) || Number(text) < 1) errors.push(`Enter a whole quantity of at least 1 for ${line.label}.`);
      else chosen.push({ lineId: line.id, decision: "MODIFY", quantity: Number(text) });
    } else {
      chosen.push({ lineId: line.id, decision: choice.decision });
    }
  }
  if (!errors.length && !chosen.length) errors.push("No line waits for a decision.");
  return errors.length ? { errors } : { lines: chosen };
}

/** The decisions in words, for the conflict dialog. */
export function describeDecisions(decided: readonly LineDecisionInput[], label: (lineId: string) => string): string {
  return decided
    .map((d) => `${label(d.lineId)}: ${d.decision === "MODIFY" ? `modify to ${d.quantity}` : d.decision.toLowerCase()}`)
    .join("\n");
}

// --- orders ---------------------------------------------------------------------------------------

/** The button that moves an order to a status. */
export const MOVE_LABELS: Record<string, string> = {
  CONFIRMED: "Confirm",
  SHIPPED: "Ship",
  DELIVERED: "Mark delivered",
  INVOICED: "Invoice",
  CANCELLED: "Cancel order",
};
