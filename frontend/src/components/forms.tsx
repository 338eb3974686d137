// Form bits shared by the editors: a small "add" form that shows what the API refused and
// clears itself once the element is added, and the visibility choice for a new element.
import { useState } from "react";

import { useIsSupplier } from "../live/viewer";
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

export function VisibilityChoice() {
  // Only the supplier may make something internal; the customer's elements are shared.
  return useIsSupplier() ? (
    <label className="inline">
      Visibility{" "}
      <select name="visibility" defaultValue="SHARED">
        <option value="SHARED">Shared with the customer</option>
        <option value="INTERNAL">Internal</option>
      </select>
    </label>
  ) : null;
}

/** The visibility chosen in a form with a VisibilityChoice; none (the API's default) without. */
export function chosenVisibility(data: FormData): "SHARED" | "INTERNAL" | undefined {
  return (data.get("visibility") as "SHARED" | "INTERNAL" | null) ?? undefined;
}
