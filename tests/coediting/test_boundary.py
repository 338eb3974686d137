"""The kernel is the one writer of history and change events: a module elsewhere that adds a
history row or records an event would bypass its visibility rules and versions."""

from __future__ import annotations

import ast
from pathlib import Path

import kamp

PACKAGE = Path(kamp.__file__).parent
KERNEL = PACKAGE / "coediting"
# What writes history or events: the history table, the event type and the kernel's own
# recording functions. Reading them (ChangeRecord in a query, publishing the events of a
# committed transaction) is fine; constructing or recording is not.
WRITERS = {"ChangeRecord", "Event", "add_records", "_record", "changed"}


def _writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    kernel_names: set[str] = set()  # names bound to the kernel's writers or modules here
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kamp.coediting"):
            for alias in node.names:
                kernel_names.add(alias.asname or alias.name)
                if alias.name in WRITERS - {"Event", "ChangeRecord"}:
                    found.append(f"imports {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in WRITERS & kernel_names:
                found.append(f"calls {func.id}()")
            if (
                isinstance(func, ast.Attribute)
                and func.attr in WRITERS
                and isinstance(func.value, ast.Name)
                and func.value.id in kernel_names
            ):
                found.append(f"calls {func.value.id}.{func.attr}()")
        if isinstance(node, ast.Constant) and node.value == "kamp.pending_events":
            found.append("names the pending events")
    return [f"{path.relative_to(PACKAGE)}:{what}" for what in found]


def test_nothing_outside_the_kernel_writes_history_or_events() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if KERNEL not in p.parents]
    assert len(outside) > 50  # the package is really scanned
    offenders = [w for path in outside for w in _writes(path)]
    assert offenders == []


def test_the_check_sees_a_writer(tmp_path: Path) -> None:
    """The check fails on the ways a module could write history or an event."""
    module = tmp_path / "rogue.py"
    module.write_text(
        "from kamp.coediting.history import add_records\n"
        "from kamp.coediting.models import ChangeRecord\n"
        "from kamp.coediting.events import Event, take_recorded\n"
        "from kamp.coediting import events, history\n"
        "def rogue(session):\n"
        "    session.add(ChangeRecord(action='updated'))\n"
        "    add_records(session)\n"
        "    events.changed(session)\n"
        "    history.add_records(session)\n"
        "    session.info['kamp.pending_events'] = [Event()]\n"
        "    take_recorded(session)\n"
    )
    found = {w.split(":", 1)[1] for w in _writes_at(module)}
    assert found == {
        "imports add_records",
        "calls ChangeRecord()",
        "calls add_records()",
        "calls Event()",
        "calls events.changed()",
        "calls history.add_records()",
        "names the pending events",
    }


def _writes_at(path: Path) -> list[str]:
    global PACKAGE
    saved, PACKAGE = PACKAGE, path.parent
    try:
        return _writes(path)
    finally:
        PACKAGE = saved
