from django.urls import path

from residents import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/reveal/", views.resident_reveal, name="reveal"),
    path("pyramid.svg", views.population_pyramid, name="pyramid"),
]
