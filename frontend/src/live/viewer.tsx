// Who is signed in, for every page: loaded once, refetched after sign-in and sign-out.
import { createContext, useContext } from "react";

export type Viewer = {
  user: { id: string; displayName: string; email: string } | null;
  organization: { name: string } | null;
  side: string;
  isOrgAdmin: boolean;
  timeZone: string;
};

export const ViewerContext = createContext<{ viewer: Viewer | null; refresh: () => void }>({
  viewer: null,
  refresh: () => undefined,
});

export function useViewer(): Viewer {
  const { viewer } = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer outside a signed-in page");
  return viewer;
}
