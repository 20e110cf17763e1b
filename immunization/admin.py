from typing import TYPE_CHECKING

from django.contrib import admin

from immunization.models import ClinicSession, TimeSlot, VaccinationClinic, VaccineBatch

if TYPE_CHECKING:
    _ClinicAdmin = admin.ModelAdmin[VaccinationClinic]
    _SessionAdmin = admin.ModelAdmin[ClinicSession]
    _SlotAdmin = admin.ModelAdmin[TimeSlot]
    _BatchAdmin = admin.ModelAdmin[VaccineBatch]
else:  # the admin's classes are not subscriptable at run time
    _ClinicAdmin = _SessionAdmin = _SlotAdmin = _BatchAdmin = admin.ModelAdmin


@admin.register(VaccinationClinic)
class VaccinationClinicAdmin(_ClinicAdmin):
    list_display = ("name", "institution", "is_active")


@admin.register(ClinicSession)
class ClinicSessionAdmin(_SessionAdmin):
    list_display = ("clinic", "date", "start_time", "end_time")
    list_filter = ("clinic",)


@admin.register(TimeSlot)
class TimeSlotAdmin(_SlotAdmin):
    list_display = ("session", "starts_at", "ends_at", "capacity", "booked")
    # Places are taken only by the booking action's conditional UPDATE.
    readonly_fields = ("booked",)


@admin.register(VaccineBatch)
class VaccineBatchAdmin(_BatchAdmin):
    list_display = ("clinic", "vaccine", "batch_number", "expires_on", "doses_in_stock")
    list_filter = ("vaccine",)
