from django.urls import path

from residents import mpi_views

app_name = "mpi"
urlpatterns = [
    path("", mpi_views.queue, name="queue"),
    path("<int:pk>/", mpi_views.candidate_detail, name="candidate"),
    path("<int:pk>/decide/", mpi_views.decide, name="decide"),
    path("merges/", mpi_views.merges, name="merges"),
    path("merges/<int:pk>/undo/", mpi_views.undo, name="undo"),
    path("import/", mpi_views.import_roster, name="import"),
]
