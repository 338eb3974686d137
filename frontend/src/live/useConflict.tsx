// Saving with a version: on CONFLICT the user chooses between their version and the current
// one (see ConflictDialog). Returns the dialog to render and `choose`, which resolves to the
// user's choice.
import { useCallback, useState } from "react";

import { ConflictDialog, type Conflict } from "../components/ConflictDialog";

export type Choice = "mine" | "theirs";

export function useConflict() {
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const choose = useCallback(
    (field: string, mine: string, theirs: string) =>
      new Promise<Choice>((resolve) => {
        const done = (choice: Choice) => {
          setConflict(null);
          resolve(choice);
        };
        setConflict({ field, mine, theirs, keepMine: () => done("mine"), takeTheirs: () => done("theirs") });
      }),
    [],
  );
  return { dialog: <ConflictDialog conflict={conflict} />, choose };
}

type Payload<T> = { errors: { code: string; message: string; field?: string | null }[] } & T;

/** Save `value` on a versioned element; on CONFLICT ask the user, and if they keep theirs,
 * save again on top of the current version. Returns the errors left to show. */
export async function saveVersioned<T extends { version: number }>(opts: {
  field: string;
  value: string;
  version: number;
  send: (version: number) => Promise<Payload<{ current: (T & Record<string, unknown>) | null | undefined }> | undefined>;
  choose: (field: string, mine: string, theirs: string) => Promise<Choice>;
}): Promise<{ code: string; message: string }[]> {
  const first = await opts.send(opts.version);
  if (!first) return [{ code: "ERROR", message: "kamp cannot be reached." }];
  const conflict = first.errors.find((e) => e.code === "CONFLICT");
  if (!conflict || !first.current) return first.errors;
  const theirs = String(first.current[opts.field] ?? "");
  if (theirs === opts.value) return [];
  const choice = await opts.choose(opts.field, opts.value, theirs);
  if (choice === "theirs") return [];
  const again = await opts.send(first.current.version);
  return again?.errors ?? [];
}
