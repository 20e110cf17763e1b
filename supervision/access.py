"""Who may see the supervision dashboard: county and group offices, and administrators."""

from accounts.models import Role, User

SUPERVISORS = frozenset(
    {Role.SYSADMIN, Role.COUNTY_HEALTH, Role.GROUP_MANAGER, Role.CDC, Role.INSURANCE}
)


def may_supervise(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in SUPERVISORS)
