from django.urls import path

from immunization import views

app_name = "immunization"
urlpatterns = [
    path("", views.clinic_list, name="clinics"),
    path("clinics/<int:pk>/", views.clinic_detail, name="clinic"),
    path("book/<int:resident_pk>/", views.book_child, name="book"),
    path("reminders/", views.reminders, name="reminders"),
    path("family/", views.family, name="family"),
]
