from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jiceng import views
from jiceng.api import api

admin.site.site_header = "基层 jiceng"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("residents/duplicates/", include("residents.mpi_urls")),
    path("residents/", include("residents.urls")),
    path("divisions/", include("divisions.urls")),
    path("institutions/", include("institutions.urls")),
    path("immunization/", include("immunization.urls")),
    path("programmes/", include("programmes.urls")),
    path("supervision/", include("supervision.urls")),
    path("workforce/", include("workforce.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]
