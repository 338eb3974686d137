// The time a page renders with: read once when it mounts, then moved on every minute, so what
// is "upcoming" and what is "past" follows the clock while a page stays open. Rendering itself
// never reads the clock (a render must give the same output for the same state).
import { useEffect, useState } from "react";

export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
