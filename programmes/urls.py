from django.urls import path

from programmes.views import education, indicators, records, worklists

app_name = "programmes"

urlpatterns = [
    path("worklist/", worklists.worklist, name="worklist"),
    path("worklist/overview/", worklists.overview, name="worklist_overview"),
    path("worklist/overview/chart.svg", worklists.overview_chart, name="worklist_chart"),
    path("indicators/", indicators.dashboard, name="indicators"),
    path("indicators/chart/<str:group>.svg", indicators.chart, name="indicators_chart"),
    path("residents/<int:resident_pk>/enrol/", records.enrol, name="enrol"),
    path("residents/<int:resident_pk>/screening/", records.screening, name="screening"),
    path("residents/<int:resident_pk>/path/", records.path_step, name="path_step"),
    path("enrolments/<int:pk>/", records.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/confirm/", records.confirm, name="confirm"),
    path("enrolments/<int:pk>/decline/", records.decline, name="decline"),
    path("enrolments/<int:pk>/exit/", records.exit_enrolment, name="exit"),
    path("enrolments/<int:pk>/visit/", records.record_visit, name="visit"),
    path("enrolments/<int:pk>/visit/preview/", records.visit_preview, name="visit_preview"),
    path("education/", education.education_list, name="education"),
    path("education/new/", education.education_create, name="education_new"),
    path("education/<int:pk>/edit/", education.education_edit, name="education_edit"),
    path("education/export.xlsx", education.education_export, name="education_export"),
    path("education/chart.svg", education.education_chart, name="education_chart"),
]
