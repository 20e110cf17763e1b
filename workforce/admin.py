from typing import TYPE_CHECKING

from django.contrib import admin

from workforce.models import Staff

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Staff]
else:  # the admin's classes are not subscriptable at run time
    _ModelAdmin = admin.ModelAdmin


@admin.register(Staff)
class StaffAdmin(_ModelAdmin):
    list_display = ("name", "profession", "title_level", "department", "institution", "is_active")
    list_filter = ("profession", "title_level", "is_active")
    search_fields = ("name", "department")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)
