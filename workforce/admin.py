from typing import TYPE_CHECKING

from django.contrib import admin

from workforce.models import Certificate, GuidanceVisit, Staff, StaffPost, TrainingRecord

if TYPE_CHECKING:
    _StaffAdmin = admin.ModelAdmin[Staff]
    _CertificateAdmin = admin.ModelAdmin[Certificate]
    _PostAdmin = admin.ModelAdmin[StaffPost]
    _TrainingAdmin = admin.ModelAdmin[TrainingRecord]
    _VisitAdmin = admin.ModelAdmin[GuidanceVisit]
    _CertificateInline = admin.TabularInline[Certificate, Staff]
    _PostInline = admin.TabularInline[StaffPost, Staff]
else:  # the admin's classes are not subscriptable at run time
    _StaffAdmin = _CertificateAdmin = _PostAdmin = _TrainingAdmin = _VisitAdmin = admin.ModelAdmin
    _CertificateInline = _PostInline = admin.TabularInline


class CertificateInline(_CertificateInline):
    model = Certificate
    extra = 0


class PostInline(_PostInline):
    model = StaffPost
    extra = 0
    autocomplete_fields = ("institution",)


@admin.register(Staff)
class StaffAdmin(_StaffAdmin):
    list_display = (
        "name",
        "code",
        "profession",
        "title_level",
        "department",
        "institution",
        "employment",
        "hire_route",
        "is_active",
    )
    list_filter = ("profession", "title_level", "employment", "hire_route", "is_active")
    search_fields = ("name", "code", "department")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)
    inlines = (CertificateInline, PostInline)


@admin.register(Certificate)
class CertificateAdmin(_CertificateAdmin):
    list_display = ("staff", "kind", "number", "scope", "general_practice_added", "valid_until")
    list_filter = ("kind", "scope", "general_practice_added")
    search_fields = ("staff__name", "number")
    autocomplete_fields = ("staff",)
    list_select_related = ("staff",)


@admin.register(StaffPost)
class StaffPostAdmin(_PostAdmin):
    list_display = ("staff", "institution", "kind", "started_on", "ended_on")
    list_filter = ("kind",)
    search_fields = ("staff__name", "institution__name")
    autocomplete_fields = ("staff", "institution")
    list_select_related = ("staff", "institution")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(_TrainingAdmin):
    list_display = ("staff", "topic", "level", "started_on", "ended_on", "is_free")
    list_filter = ("level", "is_free")
    search_fields = ("staff__name", "topic", "provider")
    autocomplete_fields = ("staff",)
    list_select_related = ("staff",)


@admin.register(GuidanceVisit)
class GuidanceVisitAdmin(_VisitAdmin):
    list_display = ("staff", "host", "kind", "started_on", "ended_on", "as_deputy_head")
    list_filter = ("kind", "is_retired_expert", "as_deputy_head")
    search_fields = ("staff__name", "host__name", "note")
    autocomplete_fields = ("staff", "host")
    list_select_related = ("staff", "host")
