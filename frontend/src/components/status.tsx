// Loading and error states, the same everywhere: announced to screen readers.
import type { CombinedError } from "urql";

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error, retry }: { error: CombinedError | Error | string; retry?: () => void }) {
  const message =
    typeof error === "string"
      ? error
      : "graphQLErrors" in error && error.graphQLErrors.length
        ? error.graphQLErrors.map((e) => e.message).join(" ")
        : "networkError" in error && error.networkError
          ? "kamp cannot be reached. Check your connection and try again."
          : error.message;
  return (
    <div className="alert" role="alert">
      <p>{message}</p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export type UserError = { field?: string | null; code: string; message: string };

export function FieldErrors({ errors }: { errors: readonly UserError[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <ul className="alert" role="alert">
      {errors.map((e, i) => (
        <li key={i}>
          {e.field ? <strong>{e.field}: </strong> : null}
          {e.message}
        </li>
      ))}
    </ul>
  );
}

/** Supplier users see at a glance what the customer cannot; customers never get such data. */
export function InternalBadge({ visibility }: { visibility: string | null | undefined }) {
  if (visibility !== "INTERNAL") return null;
  return (
    <span className="badge internal" title="Internal: the customer does not see this">
      Internal
    </span>
  );
}

/** What a mutation reports: its payload's user errors, or the refusal of the whole request
 * (not signed in, not allowed), so every form shows something when a save fails. */
export function mutationErrors(
  result: { error?: CombinedError },
  payload: { errors: readonly UserError[] } | null | undefined,
): UserError[] {
  if (payload) return [...payload.errors];
  if (!result.error) return [];
  const first = result.error.graphQLErrors[0];
  return [{ code: String(first?.extensions?.code ?? "ERROR"), message: first?.message ?? "kamp cannot be reached." }];
}
