import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";

import { makeClient } from "./api/client";
import { App } from "./App";

// Links from before the app used paths (#/invitation/...) still work.
if (window.location.hash.startsWith("#/")) {
  window.history.replaceState(null, "", window.location.hash.slice(1));
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Provider value={makeClient()}>
      <App />
    </Provider>
  </StrictMode>,
);
