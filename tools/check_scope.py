"""Lint: personal data is read only through ``accounts.scope`` and ``workforce.access`` (IT-4).

Fails on any direct use of a personal-data model's manager (``Resident.objects``,
``Resident._default_manager``) or ``get_object_or_404(Resident, …)`` in a view or API module
(``views.py``, ``api.py``, or modules inside ``views/`` or ``api/`` packages). Run it from the
repository root; it prints each violation as ``path:line: message`` and exits 1 if any.
"""

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

PERSONAL_MODELS = frozenset({"Resident", "Household", "Staff", "Enrolment", "Visit", "PathEvent"})
MANAGER_ATTRIBUTES = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})
SKIPPED_DIRECTORIES = frozenset({".venv", ".tools", "var", "node_modules", "migrations", "tests"})


def is_handler_module(path: Path) -> bool:
    return path.name in ("views.py", "api.py") or path.parent.name in ("views", "api")


def violations_in_source(source: str, filename: str) -> Iterator[str]:
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_ATTRIBUTES
            and isinstance(node.value, ast.Name)
            and node.value.id in PERSONAL_MODELS
        ):
            yield (
                f"{filename}:{node.lineno}: {node.value.id}.{node.attr} in a handler; "
                "read personal data through accounts.scope or workforce.access"
            )
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in PERSONAL_MODELS
        ):
            yield (
                f"{filename}:{node.lineno}: {node.func.id}({node.args[0].id}) in a handler; "
                "read personal data through accounts.scope or workforce.access"
            )


def handler_modules(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED_DIRECTORIES.intersection(relative.parts[:-1]):
            continue
        if is_handler_module(path):
            yield path


def check(paths: Iterable[Path], root: Path) -> list[str]:
    found: list[str] = []
    for path in paths:
        found.extend(violations_in_source(path.read_text(), str(path.relative_to(root))))
    return found


def main() -> int:
    root = Path.cwd()
    found = check(handler_modules(root), root)
    for line in found:
        sys.stderr.write(line + "\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
