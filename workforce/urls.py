from django.urls import path

from workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("export.xlsx", views.staff_export, name="export"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/edit/", views.staff_edit, name="edit"),
    path("<int:pk>/certificates/add/", views.add_certificate, name="add_certificate"),
    path("<int:pk>/posts/add/", views.add_post, name="add_post"),
    path("<int:pk>/trainings/add/", views.add_training, name="add_training"),
    path("<int:pk>/visits/add/", views.add_visit, name="add_visit"),
    path("subsidies/", views.subsidies, name="subsidies"),
    path("subsidies/export.xlsx", views.subsidies_export, name="subsidies_export"),
    path("import/", views.roster_import, name="import"),
    path("import/rejections.xlsx", views.roster_report, name="import_report"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
]
