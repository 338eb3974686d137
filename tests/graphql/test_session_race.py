"""One request's resolvers share one database session: a field that is refused next to sibling
fields that read the database must not disturb their use of the connection."""

from __future__ import annotations

import asyncio

from kamp.accounts.models import Role
from tests.support import error_codes, gql

REFUSED_NEXT_TO_READS = """query($ws: ID!) {
  viewer { workspaces { nodes { name memberCount members { nodes { role title
    user { email } } } locations { nodes { name } } } } }
  coverageGaps(workspaceId: $ws) { nodes { __typename } }
}"""


async def test_a_refused_field_leaves_its_siblings_a_sound_connection(world, clients):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    for _ in range(100):
        # A connection left halfway through a statement can hang the request: bound the wait.
        result = await asyncio.wait_for(
            gql(buyer, REFUSED_NEXT_TO_READS, {"ws": world.a.workspace_gid}), 10
        )
        assert set(error_codes(result)) == {"FORBIDDEN"}, result
    # The connection went back to the pool sound: the next request is answered normally.
    after = await gql(buyer, "{ viewer { workspaces { nodes { name } } } }")
    assert after["data"]["viewer"]["workspaces"]["nodes"], after
