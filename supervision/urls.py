from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chart.svg", views.chart, name="chart"),
    path("rules/<str:rule_id>/", views.rule_detail, name="rule"),
    path("articles/<str:citation>/", views.article_text, name="article"),
]
