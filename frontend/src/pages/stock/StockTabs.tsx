// The Stock section's own navigation: the board, proposals, orders, and the upload for those
// who report stock. Which tabs appear is the workspace's permissions, as the API gives them.
import { NavLink, useParams } from "react-router-dom";

import { useWorkspacePermissions } from "../../live/permissions";

export function StockTabs() {
  const base = `/w/${useParams().workspaceId}/stock`;
  const can = useWorkspacePermissions();
  const tabs: [string, string, boolean][] = [
    ["", "Stock board", true],
    ["/proposals", "Proposals", true],
    ["/orders", "Orders", true],
    ["/scorecards", "Scorecards", true],
    ["/upload", "Upload stock", can.has("stock:report")],
  ];
  return (
    <nav aria-label="Stock" className="sub-nav">
      {tabs.filter(([, , shown]) => shown).map(([path, label]) => (
        <NavLink key={path} to={base + path} end={path === ""}>
          {label}
        </NavLink>
      ))}
    </nav>
  );
}
