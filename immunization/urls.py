from django.urls import path

from immunization import views

app_name = "immunization"
urlpatterns = [
    path("", views.clinic_list, name="clinics"),
    path("clinics/<int:pk>/", views.clinic_detail, name="clinic"),
    path("book/<int:resident_pk>/", views.book_child, name="book"),
    path("reminders/", views.reminders, name="reminders"),
    path("family/", views.family, name="family"),
    path(
        "appointments/<int:appointment_pk>/record/",
        views.record_appointment,
        name="record_appointment",
    ),
    path("record/<int:resident_pk>/", views.record_for_resident, name="record"),
    path(
        "vaccinations/<int:vaccination_pk>/adverse-event/",
        views.adverse_event,
        name="adverse_event",
    ),
    path("campaign/", views.campaign, name="campaign"),
]
