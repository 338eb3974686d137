// kamp: a small hash-routed client for the portal (no build step). All user data goes into the
// page as text nodes, never as HTML.

const main = document.getElementById("main");
const sessionBox = document.getElementById("session");
const INVITE_ROLES = [
  "CUSTOMER_BUYER", "CUSTOMER_EXECUTIVE", "SUPPLIER_MEMBER", "SUPPLIER_EXECUTIVE", "MENTOR",
];
const SIDES = [["SUPPLIER", "Supplier team"], ["CUSTOMER", "Customer team"]];
const OFFLINE = "The server cannot be reached. Check your connection and try again.";

// --- DOM helpers -------------------------------------------------------------------------

// el("a", { href: "#/" }, "text", child): strings become text nodes; "on*" attrs add listeners;
// null, undefined and false attributes or children are left out.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...present(children));
  return node;
}
const present = (children) => children.flat(Infinity).filter((c) => c != null && c !== false);

// "CUSTOMER_BUYER" -> "Customer buyer"; "KAM" stays as it is.
const humanize = (value) => !value || value === "KAM" ? value ?? ""
  : value.charAt(0) + value.slice(1).toLowerCase().replaceAll("_", " ");

// Replaces the page; after the first page, focus moves to its heading for screen readers.
let firstRender = true;
function render(title, ...children) {
  document.title = title ? `${title} · kamp` : "kamp";
  main.replaceChildren(...present(children));
  if (!firstRender) main.querySelector("h1")?.focus({ preventScroll: true });
  firstRender = false;
  window.scrollTo(0, 0);
}

const heading = (text) => el("h1", { tabindex: "-1" }, text);
const homeLink = (text = "Back to your workspaces") => el("a", { href: "#/" }, text);
const loading = (what) =>
  main.replaceChildren(el("p", { class: "status", role: "status" }, `Loading ${what}…`));

function renderError(message) {
  render("Error", heading("Something went wrong"),
    el("p", { class: "alert", role: "alert" }, message),
    el("p", {}, el("button", { type: "button", class: "button", onclick: route }, "Try again"),
      " ", homeLink()));
}

function setSession(viewer) {
  if (!viewer) return sessionBox.replaceChildren();
  sessionBox.replaceChildren(
    el("span", { class: "session__who" }, viewer.user?.displayName ?? "Signed in",
      viewer.organization && el("span", { class: "muted" }, ` · ${viewer.organization.name}`)),
    el("button", { type: "button", class: "button button--quiet", onclick: signOut }, "Sign out"));
}

const badge = (text, kind = "") => el("span", { class: `badge ${kind}` }, text);

// Tier and status are supplier-internal; a customer gets null and sees nothing at all.
function internalBadges(keyAccount) {
  const { tier, status } = keyAccount ?? {};
  if (!tier && !status) return null;
  return el("span", { class: "internal", title: "Supplier-internal: customers never see it" },
    badge("Internal", "badge--internal"),
    tier && badge(humanize(tier), "badge--tier"),
    status && badge(humanize(status), status === "AT_RISK" ? "badge--warn" : "badge--status"));
}

// --- forms -------------------------------------------------------------------------------

// A required input; a null name leaves it out of the submitted form data.
const textInput = (name, type, autocomplete) =>
  el("input", { name, type, autocomplete, required: true, spellcheck: "false" });

let fieldCount = 0;
function field(label, control, hint) {
  const id = control.id || `field-${++fieldCount}`;
  control.id = id;
  const hintNode = hint && el("p", { class: "hint", id: `${id}-hint` }, hint);
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return el("div", { class: "field" }, el("label", { for: id }, label), control, hintNode);
}

// An error carrying `errors: [{ field, message }]` to show in a form.
const formError = (errors) =>
  Object.assign(new Error(errors.map((e) => e.message).join(" ")), { errors });

// Wires a form to an async action: the action's result is shown as a confirmation, what it
// throws as an alert, with the named fields marked invalid.
function onSubmit(form, action) {
  const message = el("div", { class: "form-message" });
  form.prepend(message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    message.replaceChildren();
    form.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const done = await action(Object.fromEntries(new FormData(form)));
      if (done) message.replaceChildren(el("p", { class: "notice", role: "status" }, done));
    } catch (error) {
      const errors = error.errors ?? [{ message: error.message }];
      message.replaceChildren(el("div", { class: "alert", role: "alert" },
        errors.map((e) => el("p", {}, e.message))));
      for (const e of errors) {
        if (e.field) form.elements.namedItem(e.field)?.setAttribute("aria-invalid", "true");
      }
      form.querySelector("[aria-invalid]")?.focus();
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}

// --- server calls ------------------------------------------------------------------------

// GET without a body, POST with a JSON one (the server takes nothing else); the cookie goes along.
async function request(url, body) {
  const post = body !== undefined && {
    method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" },
  };
  const response = await fetch(url, { credentials: "same-origin", ...post })
    .catch(() => { throw new Error(OFFLINE); });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

// For /auth/*: a refusal comes back as { errors: [{ field, message, code }] }.
async function authCall(url, body) {
  const { ok, status, data } = await request(url, body);
  if (!ok) throw formError(data.errors ?? [{ message: `The server answered ${status}.` }]);
  return data;
}

// Returns `data`; GraphQL errors are thrown with their `extensions.code` as `error.code`.
async function graphql(query, variables = {}) {
  const { ok, status, data } = await request("/graphql", { query, variables });
  if (data.errors?.length) {
    const error = new Error(data.errors.map((e) => e.message).join(" "));
    error.code = data.errors[0].extensions?.code;
    throw error;
  }
  if (!ok || !data.data) throw new Error(`The server answered ${status}.`);
  return data.data;
}

async function signOut() {
  const failed = await authCall("/auth/logout", {}).then(() => null, (error) => error);
  if (failed) return renderError(failed.message);
  setSession(null);
  if (location.hash === "#/" || location.hash === "") route();
  else location.hash = "#/";
}

// --- pages -------------------------------------------------------------------------------

function signInPage(note) {
  setSession(null);
  const form = el("form", { class: "card form", novalidate: true },
    field("Email", textInput("email", "email", "username")),
    field("Password", textInput("password", "password", "current-password")),
    el("button", { type: "submit", class: "button" }, "Sign in"));
  onSubmit(form, async ({ email, password }) => {
    if (!email.trim() || !password) throw formError([{ message: "Enter email and password." }]);
    await authCall("/auth/login", { email: email.trim(), password });
    // An app asked for consent while the user was signed out: go back to it.
    const next = new URLSearchParams(location.hash.split("?")[1] ?? "").get("next");
    if (next?.startsWith("/oauth/authorize?")) return location.assign(next);
    route(); // the same address, now signed in
  });
  // "Sign in with your company": offered once the email's domain has its own provider.
  const company = el("p", { class: "company-signin" });
  const emailInput = form.querySelector('input[name="email"]');
  emailInput.addEventListener("change", async () => {
    company.replaceChildren();
    const email = emailInput.value.trim();
    if (!email.includes("@")) return;
    const { ok, data } = await request(`/auth/federated/providers?email=${encodeURIComponent(email)}`)
      .catch(() => ({ ok: false }));
    if (!ok || !data.provider) return;
    company.append(el("a", { class: "button",
      href: `/auth/federated/start?email=${encodeURIComponent(email)}` },
    `Sign in with ${data.provider.displayName}`));
  });
  const failed = new URLSearchParams(location.hash.split("?")[1] ?? "").get("signin_error");
  const problem = failed && el("p", { class: "alert", role: "alert" },
    "Signing in with your company did not work. Ask your administrator whether you were invited.");
  render("Sign in", el("section", { class: "narrow" }, heading("Sign in to kamp"),
    el("p", { class: "lead" }, note ?? "The shared workspace of a supplier and its key accounts."),
    ...(problem ? [problem] : []), form, company));
}

const HOME = `query Home { viewer {
  user { displayName } organization { name }
  workspaces(first: 100) {
    nodes { id name memberCount viewerRole keyAccount { tier status customer { name } } }
  }
} }`;

async function homePage(isCurrent) {
  loading("your workspaces");
  const { viewer } = await graphql(HOME);
  if (!isCurrent()) return;
  if (!viewer) return signInPage();
  setSession(viewer);
  const workspaces = viewer.workspaces.nodes;
  render("Your workspaces", heading("Your workspaces"),
    el("p", { class: "lead" }, `Signed in as ${viewer.user?.displayName ?? "you"}`,
      viewer.organization && ` of ${viewer.organization.name}`, "."),
    workspaces.length === 0
      ? el("p", { class: "empty" }, "You are not a member of any workspace yet.")
      : el("ul", { class: "cards" }, workspaces.map((w) => el("li", {},
        el("a", { class: "card card--link", href: `#/workspace/${encodeURIComponent(w.id)}` },
          el("h2", {}, w.name),
          w.keyAccount?.customer && w.keyAccount.customer.name !== w.name &&
            el("p", { class: "muted" }, w.keyAccount.customer.name),
          el("p", { class: "meta" }, `${w.memberCount} member${w.memberCount === 1 ? "" : "s"}`,
            w.viewerRole && ` · you: ${humanize(w.viewerRole)}`),
          internalBadges(w.keyAccount))))));
}

const WORKSPACE = `query Workspace($id: ID!) {
  viewer { user { displayName } organization { name } }
  node(id: $id) { ... on Workspace {
    name description viewerRole viewerPermissions
    keyAccount { name tier status kam { displayName } customer { name } }
    members(first: 100) { nodes { id role title side user { displayName email } } }
    locations(first: 100) { nodes { id kind name city parent { id } } }
  } }
  accountPlans(workspaceId: $id, first: 20) {
    nodes { id period revision title status stage }
  }
}`;

async function workspacePage(isCurrent, id) {
  loading("the workspace");
  let data;
  try {
    data = await graphql(WORKSPACE, { id });
  } catch (error) {
    if (!isCurrent()) return;
    if (error.code === "UNAUTHENTICATED") return signInPage("Sign in to open this workspace.");
    if (error.code !== "BAD_USER_INPUT" && error.code !== "NOT_FOUND") throw error;
    data = { viewer: null, node: null }; // a malformed ID: the same answer as a missing one
  }
  if (!isCurrent()) return;
  if (data.viewer) setSession(data.viewer);
  const ws = data.node;
  if (!ws?.name) {
    return render("Not found", heading("Workspace not found"),
      el("p", {}, "This workspace does not exist, or you are not a member of it."),
      el("p", {}, homeLink()));
  }
  const ka = ws.keyAccount;
  const facts = [
    ["Customer", ka?.customer?.name], ["Key account manager", ka?.kam?.displayName],
    ["Your role", humanize(ws.viewerRole)],
  ].filter(([, value]) => value);
  render(ws.name,
    el("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, homeLink("← All workspaces")),
    el("div", { class: "title-row" }, heading(ws.name), internalBadges(ka)),
    ws.description && el("p", { class: "lead" }, ws.description),
    el("dl", { class: "facts" },
      facts.map(([term, value]) => el("div", {}, el("dt", {}, term), el("dd", {}, value)))),
    plansSection(data.accountPlans?.nodes ?? []),
    membersSection(ws.members.nodes),
    locationsSection(ws.locations.nodes),
    ws.viewerPermissions.includes("members:invite") && inviteSection(id));
}

function plansSection(plans) {
  return el("section", { class: "section", "aria-labelledby": "plans-h" },
    el("h2", { id: "plans-h" }, "Account plans"),
    el("div", { class: "card" }, plans.length === 0
      ? el("p", { class: "empty" }, "No plan yet. The KAM drafts the first one.")
      : el("ul", { class: "people" }, plans.map((plan) => el("li", {},
        el("a", { href: `#/plan/${encodeURIComponent(plan.id)}` },
          `${plan.title} (${plan.period}${plan.revision > 1 ? `, revision ${plan.revision}` : ""})`),
        el("span", { class: "person__role" },
          `${humanize(plan.status)} · ${humanize(plan.stage)}`))))));
}

// Decimals arrive as strings ("2.4000"): show them as people write numbers.
const amount = (value) => Number(value).toLocaleString("en-US", { maximumFractionDigits: 2 });

// Elements marked INTERNAL reach supplier users only; the badge says so at a glance.
const visibilityBadge = (item) =>
  item.visibility === "INTERNAL" && badge("Internal", "badge--internal");

const PLAN = `query Plan($id: ID!) {
  viewer { user { displayName } organization { name } }
  node(id: $id) { ... on AccountPlan {
    id title period revision status stage summary
    objectives(first: 100) { nodes { id title side status visibility owner { displayName }
      measures { name target current unit progressPct visibility } } }
    swot(first: 100) { nodes { id kind text visibility } }
    initiatives(first: 100) { nodes { id title team visibility owner { displayName } } }
    contingency { revenueAtRisk trigger response visibility }
    approvals { side decision comment approver { displayName } }
  } }
}`;

async function planPage(isCurrent, id) {
  loading("the plan");
  let data;
  try {
    data = await graphql(PLAN, { id });
  } catch (error) {
    if (!isCurrent()) return;
    if (error.code === "UNAUTHENTICATED") return signInPage("Sign in to open this plan.");
    if (error.code !== "BAD_USER_INPUT" && error.code !== "NOT_FOUND") throw error;
    data = { viewer: null, node: null };
  }
  if (!isCurrent()) return;
  if (data.viewer) setSession(data.viewer);
  const plan = data.node;
  if (!plan?.title) {
    return render("Not found", heading("Plan not found"),
      el("p", {}, "This plan does not exist, or it is not shared with you."), el("p", {}, homeLink()));
  }
  const section = (id, title, items, empty) =>
    el("section", { class: "section", "aria-labelledby": id }, el("h2", { id }, title),
      el("div", { class: "card" }, items.length ? items : el("p", { class: "empty" }, empty)));
  const objectives = plan.objectives.nodes.map((o) => el("article", { class: "objective" },
    el("h3", {}, o.title, " ", visibilityBadge(o)),
    el("p", { class: "meta" }, [humanize(o.side) + " objective", humanize(o.status),
      o.owner && `owner: ${o.owner.displayName}`].filter(Boolean).join(" · ")),
    o.measures.length > 0 && el("ul", { class: "measures" }, o.measures.map((m) => el("li", {},
      el("span", {}, `${m.name}: ${amount(m.current)} of ${amount(m.target)} ${m.unit}`,
        m.progressPct !== null && el("span", { class: "muted" }, ` (${m.progressPct}%)`),
        " ", visibilityBadge(m)))))));
  const swot = ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"].map((kind) => {
    const entries = plan.swot.nodes.filter((e) => e.kind === kind);
    return entries.length > 0 && el("div", {}, el("h3", {}, humanize(kind)),
      el("ul", { class: "measures" },
        entries.map((e) => el("li", {}, el("span", {}, e.text, " ", visibilityBadge(e))))));
  }).filter(Boolean);
  const initiatives = plan.initiatives.nodes.map((i) => el("p", {}, i.title,
    el("span", { class: "muted" }, ` · ${humanize(i.team)}${i.owner ? ` · ${i.owner.displayName}` : ""}`),
    " ", visibilityBadge(i)));
  const c = plan.contingency;
  const approvals = plan.approvals.map((a) => el("p", {},
    `${humanize(a.side)}: ${humanize(a.decision)} by ${a.approver?.displayName ?? "someone"}`,
    a.comment && el("span", { class: "muted" }, ` · “${a.comment}”`)));
  render(plan.title,
    el("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, homeLink("← All workspaces")),
    heading(plan.title),
    el("p", { class: "meta" },
      `${plan.period} · revision ${plan.revision} · ${humanize(plan.status)} · ${humanize(plan.stage)}`),
    plan.summary && el("p", { class: "lead" }, plan.summary),
    section("objectives-h", "Objectives", objectives, "No objectives yet."),
    section("swot-h", "SWOT", swot, "No SWOT entries yet."),
    section("initiatives-h", "Initiatives", initiatives, "No initiatives yet."),
    c && section("contingency-h", "Contingency plan", [
      el("p", {}, `Revenue at risk: ${amount(c.revenueAtRisk)} `, visibilityBadge(c)),
      c.trigger && el("p", {}, `Trigger: ${c.trigger}`),
      c.response && el("p", {}, `Response: ${c.response}`)], ""),
    section("approvals-h", "Approvals", approvals, "No decisions yet."));
}

function membersSection(members) {
  return el("section", { class: "section", "aria-labelledby": "team-h" },
    el("h2", { id: "team-h" }, "Team"),
    el("div", { class: "columns" }, SIDES.map(([side, label]) => {
      const list = members.filter((m) => m.side === side);
      return el("div", { class: "card" },
        el("h3", {}, label, el("span", { class: "count" }, ` (${list.length})`)),
        list.length === 0 ? el("p", { class: "empty" }, "Nobody yet.")
          : el("ul", { class: "people" }, list.map((m) => el("li", {},
            el("span", { class: "person__name" }, m.user?.displayName ?? "Unknown person"),
            el("span", { class: "person__role" },
              [m.title, humanize(m.role)].filter(Boolean).join(" · ")),
            m.user?.email &&
              el("a", { class: "person__email", href: `mailto:${m.user.email}` }, m.user.email)))));
    })));
}

function locationsSection(locations) {
  // Build the tree from parent links; a site whose parent is not on this page becomes a root.
  const ids = new Set(locations.map((l) => l.id));
  const children = new Map();
  for (const l of locations) {
    const parent = ids.has(l.parent?.id) ? l.parent.id : null;
    children.set(parent, [...(children.get(parent) ?? []), l]);
  }
  const tree = (parent, depth) => children.has(parent) &&
    el("ul", { class: depth === 0 ? "tree" : null, role: "list" }, children.get(parent).map((l) =>
      el("li", {},
        el("span", { class: "site" }, badge(humanize(l.kind), "badge--kind"), " ",
          el("span", { class: "site__name" }, l.name),
          l.city && el("span", { class: "muted" }, ` · ${l.city}`)),
        tree(l.id, depth + 1))));
  return el("section", { class: "section", "aria-labelledby": "sites-h" },
    el("h2", { id: "sites-h" }, "Locations"),
    el("div", { class: "card" }, tree(null, 0) || el("p", { class: "empty" }, "No sites yet.")));
}

const INVITE = `mutation Invite($input: InviteMemberInput!) {
  inviteMember(input: $input) { invitation { id email } errors { field message code } }
}`;

function inviteSection(workspaceId) {
  const email = textInput("email", "email", "off");
  const form = el("form", { class: "card form form--inline", novalidate: true },
    field("Email", email),
    field("Role", el("select", { name: "role" },
      INVITE_ROLES.map((role) => el("option", { value: role }, humanize(role))))),
    el("button", { type: "submit", class: "button" }, "Send invitation"));
  onSubmit(form, async ({ email: address, role }) => {
    const input = { workspaceId, email: address.trim(), role };
    const { inviteMember } = await graphql(INVITE, { input });
    if (inviteMember.errors.length) throw formError(inviteMember.errors);
    email.value = "";
    return `Invitation sent to ${inviteMember.invitation.email}. The link in the email works once.`;
  });
  return el("section", { class: "section", "aria-labelledby": "invite-h" },
    el("h2", { id: "invite-h" }, "Invite someone"), form);
}

async function invitationPage(isCurrent, token) {
  loading("the invitation");
  const { ok, status, data } = await request(`/auth/invitations/${encodeURIComponent(token)}`);
  if (!isCurrent()) return;
  if (!ok) {
    return render("Invitation", heading("This invitation cannot be used"),
      el("p", { class: "alert", role: "alert" },
        data.errors?.[0]?.message ?? `The server answered ${status}.`),
      el("p", {}, "Ask the person who invited you for a new link, or ", homeLink("sign in"), "."));
  }
  const known = data.hasAccount;
  const email = textInput(null, "email", "username");
  Object.assign(email, { value: data.email, readOnly: true, required: false });
  const password = textInput("password", "password", known ? "current-password" : "new-password");
  if (!known) password.minLength = 10;
  const form = el("form", { class: "card form", novalidate: true },
    field("Email", email),
    !known && field("Your name", textInput("displayName", "text", "name"), "As others see you."),
    known
      ? field("Your kamp password", password, "You already have an account: confirm it is you.")
      : field("Choose a password", password, "At least 10 characters."),
    el("button", { type: "submit", class: "button" },
      known ? "Join the workspace" : "Create account and join"));
  onSubmit(form, async ({ displayName = "", password }) => {
    const problems = known ? [] : [
      !displayName.trim() && { field: "displayName", message: "Tell your colleagues your name." },
      password.length < 10 && { field: "password", message: "Use at least 10 characters." },
    ].filter(Boolean);
    if (problems.length) throw formError(problems);
    const body = { token, password, displayName: displayName.trim() };
    await authCall("/auth/invitations/accept", body);
    location.hash = "#/";
  });
  render("Invitation", el("section", { class: "narrow" }, heading(`Join ${data.workspaceName}`),
    el("p", { class: "lead" }, `${data.email} is invited to the `,
      el("strong", {}, data.workspaceName), " workspace as ",
      el("strong", {}, humanize(data.role).toLowerCase()), "."),
    form));
}

// --- router ------------------------------------------------------------------------------

let navigation = 0; // a page whose navigation is no longer current renders nothing
async function route() {
  const current = ++navigation;
  const isCurrent = () => current === navigation;
  const path = location.hash.replace(/^#/, "").split("?")[0] || "/";
  const [, page, param] = path.match(/^\/(workspace|invitation|plan)\/(.+)$/) ?? [];
  try {
    if (page === "workspace") await workspacePage(isCurrent, decodeURIComponent(param));
    else if (page === "plan") await planPage(isCurrent, decodeURIComponent(param));
    else if (page === "invitation") await invitationPage(isCurrent, decodeURIComponent(param));
    else if (path === "/") await homePage(isCurrent);
    else render("Not found", heading("Page not found"), el("p", {}, homeLink()));
  } catch (error) {
    if (isCurrent()) renderError(error.message);
  }
}

// The skip link must not change the route.
document.querySelector(".skip-link")?.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", route);
route();
