from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who uses jiceng (ARCHITECTURE.md, "Who uses it")."""

    SYSADMIN = "sysadmin", _("system administrator")
    COUNTY_HEALTH = "county_health", _("county health commission")
    GROUP_MANAGER = "group_manager", _("medical group management")
    TOWNSHIP_STAFF = "township_staff", _("township or community centre staff")
    VILLAGE_DOCTOR = "village_doctor", _("village doctor")
    SPECIALIST = "specialist", _("county hospital specialist")
    CDC = "cdc", _("CDC")
    INSURANCE = "insurance", _("insurance bureau")
    RESIDENT = "resident", _("resident")


# Roles that must sign in with a second factor (TOTP): administrators and county-level offices.
TWO_FACTOR_ROLES = frozenset(
    {Role.SYSADMIN, Role.COUNTY_HEALTH, Role.GROUP_MANAGER, Role.CDC, Role.INSURANCE}
)


class User(AbstractUser):
    """A person who signs in. What they may see is their role plus their scope.

    Scope is a division subtree (``division``) and/or an institution subtree (``institution``);
    a resident's scope is their own record (``resident``). See ``accounts.scope``.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("division scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.OneToOneField(
        "workforce.Staff",
        verbose_name=_("staff record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
    )
    resident = models.OneToOneField(
        "residents.Resident",
        verbose_name=_("resident record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
    )
    is_demo = models.BooleanField(
        _("demo login"),
        default=False,
        help_text=_("Created by the demo; may skip two-factor sign-in while demo mode is on."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def needs_two_factor(self) -> bool:
        return self.is_superuser or self.role in TWO_FACTOR_ROLES

    def is_verified(self) -> bool:
        """Whether this session passed a second factor; django-otp's middleware replaces it."""
        return False


class AuditEntry(models.Model):
    """One read, export or change of personal data (IT-4). Append-only and hash-chained.

    ``entry_hash`` is SHA-256 over ``previous_hash`` and the entry's own fields, so altering,
    inserting or deleting any entry breaks the chain from that point (``jiceng audit verify``).
    Database triggers refuse UPDATE and DELETE on this table.
    """

    class Action(models.TextChoices):
        READ = "read", _("read")
        LIST = "list", _("list")
        SEARCH = "search", _("search")
        EXPORT = "export", _("export")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        REVEAL = "reveal", _("reveal full identifier")

    at = models.DateTimeField(_("when"))
    user_id_value = models.BigIntegerField(_("user id"), null=True)
    username = models.CharField(_("who"), max_length=150)
    role = models.CharField(_("role"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    remote_addr = models.CharField(_("from where"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.username} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The end of the audit chain; its row lock serialises writers on PostgreSQL."""

    last_entry_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"audit head at #{self.last_entry_id}"


class ApiToken(models.Model):
    """A bearer token for machine clients. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
