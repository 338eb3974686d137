// One GraphQL client for the app: queries and mutations over HTTP with the session cookie,
// subscriptions over graphql-transport-ws on the same path. No token ever lives in the page.
import { createClient as createWsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";

export function wsUrl(location: Location = window.location): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
}

export function makeClient(): Client {
  const ws = createWsClient({ url: wsUrl(), lazy: true, retryAttempts: Infinity });
  return new Client({
    url: "/graphql",
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              return { unsubscribe: ws.subscribe(input, sink) };
            },
          };
        },
      }),
    ],
    fetchOptions: { credentials: "same-origin", headers: { "content-type": "application/json" } },
    // Mutations change what other queries show: refetch them rather than trust a cache.
    requestPolicy: "cache-and-network",
  });
}
