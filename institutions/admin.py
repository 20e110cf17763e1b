from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from institutions.models import Institution

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Institution]
else:  # the admin's classes are not subscriptable at run time
    _ModelAdmin = admin.ModelAdmin


@admin.register(Institution)
class InstitutionAdmin(_ModelAdmin):
    list_display = ("code", "name", "type", "division", "parent", "is_central", "ownership")
    list_filter = ("type", "ownership", "is_central")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "division", "served_divisions")
    list_select_related = ("division", "parent")
    readonly_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The managing institution fixes ``path`` for the whole subtree below; it is set when
        # the institution is added and not moved here afterwards.
        if obj is not None:
            return ("path", "parent")
        return ("path",)

    def save_model(
        self, request: HttpRequest, obj: Institution, form: "ModelForm[Institution]", change: bool
    ) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            obj.path = obj.build_path()
            obj.save(update_fields=["path"])
            return
        super().save_model(request, obj, form, change)
