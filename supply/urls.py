from django.urls import path

from .views import fab

app_name = "supply"

urlpatterns = [
    # A fab's own requests.
    path("requests/", fab.request_list, name="request_list"),
    path("requests/new/", fab.request_create, name="request_create"),
    path("requests/<int:pk>/", fab.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", fab.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", fab.request_submit, name="request_submit"),
    path("requests/<int:pk>/cancel/", fab.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/reconfirm/", fab.request_reconfirm, name="request_reconfirm"),
    path("requests/<int:pk>/close/", fab.request_close, name="request_close"),
    path("requests/<int:pk>/qualify/", fab.qualification_add, name="qualification_add"),
    path("requests/<int:request_pk>/commitments/<int:pk>/accept/", fab.commitment_accept, name="commitment_accept"),
    path("requests/<int:request_pk>/commitments/<int:pk>/decline/", fab.commitment_decline, name="commitment_decline"),
    path("requests/<int:request_pk>/commitments/<int:pk>/deliver/", fab.commitment_deliver, name="commitment_deliver"),
]
