"""What each role finds in the header: one small table, so a new page is one line here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


@dataclass(frozen=True)
class NavEntry:
    """A page in the navigation: a URL name to reverse, or a fixed path."""

    key: str
    label: str | Promise
    url_name: str = ""
    path: str = ""


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str
    is_active: bool


HOME = NavEntry("home", _("Home"), url_name="home")
RESIDENTS = NavEntry("residents", _("Residents"), url_name="residents:list")
MY_RECORD = NavEntry("my_record", _("My record"), url_name="residents:detail")
DIVISIONS = NavEntry("divisions", _("Divisions"), url_name="divisions:index")
INSTITUTIONS = NavEntry("institutions", _("Institutions"), url_name="institutions:list")
ADMIN = NavEntry("admin", _("Administration"), url_name="admin:index")
API_DOCS = NavEntry("api_docs", _("API docs"), path="/api/docs")
VACCINATION = NavEntry("vaccination", _("Vaccination clinics"), url_name="immunization:clinics")
REMINDERS = NavEntry("reminders", _("Reminder list"), url_name="immunization:reminders")
STAFF = NavEntry("staff", _("Staff"), url_name="workforce:list")
DUPLICATES = NavEntry("duplicates", _("Possible duplicates"), url_name="mpi:queue")
SUPERVISION = NavEntry("supervision", _("Supervision"), url_name="supervision:dashboard")
WORKLIST = NavEntry("worklist", _("Work list"), url_name="programmes:worklist")
WORKLIST_OVERVIEW = NavEntry(
    "worklist_overview", _("Work lists overview"), url_name="programmes:worklist_overview"
)
INDICATORS = NavEntry("indicators", _("Programme indicators"), url_name="programmes:indicators")
EDUCATION = NavEntry("education", _("Health education"), url_name="programmes:education")
CHILD_VACCINATIONS = NavEntry(
    "child_vaccinations", _("My children's vaccinations"), url_name="immunization:family"
)

_STAFF_WITH_RESIDENTS = (HOME, RESIDENTS, DIVISIONS, INSTITUTIONS, API_DOCS)

NAVIGATION: dict[str, tuple[NavEntry, ...]] = {
    Role.SYSADMIN: (HOME, DIVISIONS, INSTITUTIONS, SUPERVISION, ADMIN, API_DOCS),
    Role.COUNTY_HEALTH: (
        *_STAFF_WITH_RESIDENTS,
        WORKLIST_OVERVIEW,
        INDICATORS,
        DUPLICATES,
        VACCINATION,
        STAFF,
        SUPERVISION,
    ),
    Role.GROUP_MANAGER: (
        *_STAFF_WITH_RESIDENTS,
        WORKLIST_OVERVIEW,
        INDICATORS,
        DUPLICATES,
        STAFF,
        SUPERVISION,
    ),
    Role.TOWNSHIP_STAFF: (
        *_STAFF_WITH_RESIDENTS,
        WORKLIST,
        WORKLIST_OVERVIEW,
        INDICATORS,
        DUPLICATES,
        VACCINATION,
        REMINDERS,
        EDUCATION,
        STAFF,
    ),
    Role.VILLAGE_DOCTOR: (*_STAFF_WITH_RESIDENTS, WORKLIST, VACCINATION, REMINDERS, EDUCATION),
    Role.CDC: (*_STAFF_WITH_RESIDENTS, WORKLIST_OVERVIEW, INDICATORS, VACCINATION, SUPERVISION),
    Role.INSURANCE: (*_STAFF_WITH_RESIDENTS, SUPERVISION),
    # Specialists see patients only once referrals arrive (MED-2); until then no resident list.
    Role.SPECIALIST: (HOME, DIVISIONS, INSTITUTIONS, API_DOCS),
    Role.RESIDENT: (HOME, MY_RECORD, CHILD_VACCINATIONS, INSTITUTIONS),
}


def _url(entry: NavEntry, user: User) -> str | None:
    if entry.path:
        return entry.path
    if entry is MY_RECORD:
        if user.resident_id is None:
            return None
        return reverse(entry.url_name, args=[user.resident_id])
    return reverse(entry.url_name)


def _is_active(url: str, current_path: str) -> bool:
    if url == "/":
        return current_path == "/"
    return current_path.startswith(url)


def entries_for(user: User) -> tuple[NavEntry, ...]:
    entries = NAVIGATION.get(user.role, (HOME,))
    if user.is_superuser and ADMIN not in entries:
        entries = (*entries, ADMIN)
    return entries


def links_for(user: User, current_path: str) -> list[NavLink]:
    """The header links for ``user``; the one matching ``current_path`` is marked active."""
    links: list[NavLink] = []
    for entry in entries_for(user):
        url = _url(entry, user)
        if url is not None:
            links.append(NavLink(entry.key, str(entry.label), url, _is_active(url, current_path)))
    return links
