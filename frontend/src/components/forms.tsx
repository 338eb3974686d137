// Form bits shared by the editors: a small "add" form that shows what the API refused and
// clears itself once the element is added, and the visibility choice for a new element.
import { useState } from "react";

import { useCan } from "../live/permissions";
import { FieldErrors, type UserError } from "./status";

export function AddForm({ label, onAdd, children }: { label: string; onAdd: (data: FormData) => Promise<UserError[]>; children: React.ReactNode }) {
  const [errors, setErrors] = useState<UserError[]>([]);
  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const left = await onAdd(new FormData(form));
    setErrors(left);
    if (!left.length) form.reset();
  }
  return (
    <form className="add-form" onSubmit={submit} aria-label={label}>
      {children}
      <button type="submit" className="button small">{label}</button>
      <FieldErrors errors={errors} />
    </form>
  );
}

type Visibility = "SHARED" | "INTERNAL";
const LABELS: Record<Visibility, string> = { SHARED: "Shared with the customer", INTERNAL: "Internal" };

/** Who will see a new element, for those who decide it (the KAM). `usual` is the API's default
 * for this kind of element: kept, nothing is sent and the API applies it. Everyone else gets
 * the default without a choice. */
export function VisibilityChoice({ usual }: { usual: Visibility }) {
  const other: Visibility = usual === "SHARED" ? "INTERNAL" : "SHARED";
  return useCan("visibility:manage") ? (
    <label className="inline">
      Visibility{" "}
      <select name="visibility" defaultValue="">
        <option value="">{LABELS[usual]}</option>
        <option value={other}>{LABELS[other]}</option>
      </select>
    </label>
  ) : null;
}

/** The visibility chosen in a form with a VisibilityChoice; none (the API's default) without. */
export function chosenVisibility(data: FormData): Visibility | undefined {
  return (data.get("visibility") as Visibility | "" | null) || undefined;
}
