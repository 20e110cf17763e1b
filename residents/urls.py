from django.urls import path

from residents import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/reveal/", views.resident_reveal, name="reveal"),
    path("<int:pk>/edit/", views.resident_edit, name="edit"),
    path("<int:pk>/changes/", views.resident_changes, name="changes"),
    path("<int:pk>/past-history/", views.past_history_add, name="past_history_add"),
    path(
        "<int:pk>/past-history/<int:item_pk>/remove/",
        views.past_history_remove,
        name="past_history_remove",
    ),
    path("<int:pk>/family-history/", views.family_history_add, name="family_history_add"),
    path(
        "<int:pk>/family-history/<int:item_pk>/remove/",
        views.family_history_remove,
        name="family_history_remove",
    ),
    path("pyramid.svg", views.population_pyramid, name="pyramid"),
]
