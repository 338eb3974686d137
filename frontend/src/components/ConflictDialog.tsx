// Someone saved first: show the user their version next to the current one and let them
// choose. "Keep mine" saves again on top of the current version; "Take theirs" drops theirs.
import { useEffect, useRef } from "react";

export type Conflict = {
  field: string;
  mine: string;
  theirs: string;
  keepMine: () => void;
  takeTheirs: () => void;
};

export function ConflictDialog({ conflict }: { conflict: Conflict | null }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (conflict) first.current?.focus();
  }, [conflict]);
  if (!conflict) return null;
  return (
    <div className="dialog-backdrop">
      <div role="alertdialog" aria-modal="true" aria-labelledby="conflict-title" className="dialog"
        onKeyDown={(event) => event.key === "Escape" && conflict.takeTheirs()}>
        <h2 id="conflict-title">Someone changed this while you were editing</h2>
        <div className="compare">
          <section aria-label="Your version">
            <h3>Your version</h3>
            <p className="version-text" data-testid="conflict-mine">{conflict.mine}</p>
          </section>
          <section aria-label="Current version">
            <h3>Current version</h3>
            <p className="version-text" data-testid="conflict-theirs">{conflict.theirs}</p>
          </section>
        </div>
        <div className="actions">
          <button ref={first} type="button" className="button" onClick={conflict.keepMine}>
            Keep mine
          </button>
          <button type="button" className="button secondary" onClick={conflict.takeTheirs}>
            Take theirs
          </button>
        </div>
      </div>
    </div>
  );
}
