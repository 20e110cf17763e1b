from django.urls import path

from institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.institution_list, name="list"),
    path("export.xlsx", views.institution_export, name="export"),
    path("<int:pk>/", views.institution_detail, name="detail"),
    path("<int:pk>/edit/", views.institution_edit, name="edit"),
    path("<int:pk>/designations/", views.designation_add, name="designation_add"),
    path(
        "<int:pk>/designations/<int:designation_pk>/remove/",
        views.designation_remove,
        name="designation_remove",
    ),
    path("import/", views.roster_import, name="import"),
    path("import/rejections.xlsx", views.roster_report, name="import_report"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/members/", views.group_members, name="group_members"),
    path(
        "groups/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("village-exceptions/", views.exception_list, name="exceptions"),
    path("village-exceptions/add/", views.exception_add, name="exception_add"),
    path("village-exceptions/<int:pk>/edit/", views.exception_edit, name="exception_edit"),
    path("village-exceptions/<int:pk>/delete/", views.exception_delete, name="exception_delete"),
]
