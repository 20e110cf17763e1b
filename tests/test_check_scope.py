from pathlib import Path

import pytest

from tools.check_scope import check, handler_modules, violations_in_source

ROOT = Path(__file__).resolve().parent.parent


def test_the_tree_reads_personal_data_only_through_scope():
    assert check(handler_modules(ROOT), ROOT) == []


@pytest.mark.parametrize(
    "source",
    [
        "Resident.objects.get(pk=1)",
        "Resident.objects.filter(name='x')",
        "Household._default_manager.all()",
        "get_object_or_404(Resident, pk=1)",
    ],
)
def test_it_flags_direct_lookups(source):
    assert len(list(violations_in_source(source, "residents/views.py"))) == 1


def test_it_allows_scope_helpers():
    source = "scope.get_resident(user, 1, request=None, purpose='x')\nDivision.objects.all()"
    assert list(violations_in_source(source, "residents/views.py")) == []


def test_it_checks_views_and_api_modules_only(tmp_path):
    (tmp_path / "app").mkdir()
    for name in ("views.py", "api.py", "models.py", "queries.py"):
        (tmp_path / "app" / name).write_text("Resident.objects.all()\n")
    assert [path.name for path in handler_modules(tmp_path)] == ["api.py", "views.py"]
