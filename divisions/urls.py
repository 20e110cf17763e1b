from django.urls import path

from divisions import views

app_name = "divisions"
urlpatterns = [
    path("", views.division_index, name="index"),
    path("<int:pk>/", views.division_detail, name="detail"),
]
