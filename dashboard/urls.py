from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/<slug:key>.csv", views.chart_csv, name="chart_csv"),
    path("alliance/", views.summary, name="summary"),
    path("alliance/resumption.csv", views.summary_csv, name="summary_csv"),
    path("shipments/", views.shipments, name="shipments"),
]
