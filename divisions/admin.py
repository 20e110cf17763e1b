from typing import TYPE_CHECKING

from django.contrib import admin

from divisions.models import Division

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Division]
else:  # the admin's classes are not subscriptable at run time
    _ModelAdmin = admin.ModelAdmin


@admin.register(Division)
class DivisionAdmin(_ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "population")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("code",)
