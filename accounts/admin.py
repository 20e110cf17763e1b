"""Admin for users and the audit log. Residents and households are not here on purpose:
personal data is read only through the scoped, audited pages."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminUserCreationForm
from accounts.models import AuditEntry, User
from accounts.views import admin_login

if TYPE_CHECKING:
    _UserAdmin = UserAdmin[User]
    _AuditEntryAdmin = admin.ModelAdmin[AuditEntry]
else:  # the admin's classes are not subscriptable at run time
    _UserAdmin = UserAdmin
    _AuditEntryAdmin = admin.ModelAdmin

# Everyone signs in on our page, which enforces lockout and the second factor.
admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.site_title = "基层 jiceng"
admin.site.index_title = _("Registry and accounts")


@admin.register(User)
class JicengUserAdmin(_UserAdmin):
    add_form = AdminUserCreationForm
    list_display = ("username", "last_name", "first_name", "role", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "is_demo")
    search_fields = ("username", "first_name", "last_name")
    autocomplete_fields = ("division", "institution")
    # Raw ids, not drop-downs: a list of every resident or staff member would expose them all.
    raw_id_fields = ("staff", "resident")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email")}),
        (_("Role and scope"), {"fields": ("role", "division", "institution", "staff", "resident")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_demo",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "password1", "password2"),
            },
        ),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(_AuditEntryAdmin):
    """The audit log, read-only: the table is append-only and hash-chained."""

    list_display = ("id", "at", "username", "role", "action", "object_type", "object_id", "purpose")
    list_filter = ("action", "role", "object_type")
    search_fields = ("username", "object_id", "purpose")
    date_hierarchy = "at"
    ordering = ("-id",)
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
