from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from institutions.models import (
    Capabilities,
    Designation,
    GroupMembership,
    Institution,
    MedicalGroup,
    VillageServiceException,
)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Institution]
    _GroupAdmin = admin.ModelAdmin[MedicalGroup]
    _ExceptionAdmin = admin.ModelAdmin[VillageServiceException]
    _CapabilitiesAdmin = admin.ModelAdmin[Capabilities]
    _CapabilitiesInline = admin.StackedInline[Capabilities, Institution]
    _DesignationInline = admin.TabularInline[Designation, Institution]
    _MembershipInline = admin.TabularInline[GroupMembership, MedicalGroup]
else:  # the admin's classes are not subscriptable at run time
    _ModelAdmin = _GroupAdmin = _ExceptionAdmin = _CapabilitiesAdmin = admin.ModelAdmin
    _CapabilitiesInline = admin.StackedInline
    _DesignationInline = _MembershipInline = admin.TabularInline


class CapabilitiesInline(_CapabilitiesInline):
    model = Capabilities
    max_num = 1
    can_delete = False


class DesignationInline(_DesignationInline):
    model = Designation
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(_ModelAdmin):
    list_display = ("code", "name", "type", "division", "parent", "is_central", "ownership")
    list_filter = ("type", "ownership", "is_central", "designations__kind")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "division", "served_divisions")
    list_select_related = ("division", "parent")
    readonly_fields = ("path",)
    inlines = (CapabilitiesInline, DesignationInline)

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


@admin.register(Capabilities)
class CapabilitiesAdmin(_CapabilitiesAdmin):
    list_display = (
        "institution",
        "hospital_level",
        "fever_clinic",
        "has_tcm_hall",
        "has_vaccination_clinic",
        "beds_general",
    )
    list_filter = ("hospital_level", "fever_clinic", "has_tcm_hall", "has_vaccination_clinic")
    search_fields = ("institution__name", "institution__code")
    autocomplete_fields = ("institution",)
    list_select_related = ("institution",)


class MembershipInline(_MembershipInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ("institution",)


@admin.register(MedicalGroup)
class MedicalGroupAdmin(_GroupAdmin):
    list_display = ("name", "lead", "trustee", "county", "founded_on")
    search_fields = ("name",)
    autocomplete_fields = ("lead", "county")
    list_select_related = ("lead", "county")
    inlines = (MembershipInline,)


@admin.register(VillageServiceException)
class VillageServiceExceptionAdmin(_ExceptionAdmin):
    list_display = ("village", "kind", "served_by", "recorded_on")
    list_filter = ("kind",)
    search_fields = ("village__name", "village__code", "served_by__name")
    autocomplete_fields = ("village", "served_by")
    list_select_related = ("village", "served_by")
