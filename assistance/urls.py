from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_open, name="case_open"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("<int:pk>/notes/", views.case_note, name="case_note"),
    path("<int:pk>/status/", views.case_status, name="case_status"),
]
