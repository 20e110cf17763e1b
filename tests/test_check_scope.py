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
        "Staff.objects.filter(institution=institution)",
        "get_object_or_404(Staff, pk=1)",
    ],
)
def test_it_flags_direct_lookups(source):
    assert len(list(violations_in_source(source, "residents/views.py"))) == 1


def test_it_allows_scope_helpers():
    source = "scope.get_resident(user, 1, request=None, purpose='x')\nDivision.objects.all()"
    assert list(violations_in_source(source, "residents/views.py")) == []


def test_staff_are_read_through_workforce_access():
    source = "access.get_staff(user, 1, request=None, purpose='x')\naccess.staff_counts(i)"
    assert list(violations_in_source(source, "workforce/views.py")) == []
    [message] = violations_in_source("Staff.objects.all()", "institutions/views.py")
    assert message.startswith("institutions/views.py:1: Staff.objects in a handler")


def test_it_checks_views_and_api_modules_only(tmp_path):
    (tmp_path / "app").mkdir()
    for name in ("views.py", "api.py", "models.py", "queries.py"):
        (tmp_path / "app" / name).write_text("Resident.objects.all()\n")
    assert [path.name for path in handler_modules(tmp_path)] == ["api.py", "views.py"]
