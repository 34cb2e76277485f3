from django.urls import path, re_path

from .views import fab, secretariat, shipments, supplier

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
    # A commitment and its shipment, for the supplier, the fab, the carrier and the secretariat.
    path("commitments/<int:pk>/", shipments.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/carrier/", shipments.commitment_carrier, name="commitment_carrier"),
    # A supplier's queue, commitments and capacity.
    path("queue/", supplier.queue, name="supplier_queue"),
    path("queue/<int:pk>/", supplier.request_detail, name="supplier_request"),
    path("commitments/", supplier.commitment_list, name="commitment_list"),
    path("commitments/<int:pk>/withdraw/", supplier.commitment_withdraw, name="commitment_withdraw"),
    path("commitments/<int:pk>/ship/", supplier.commitment_ship, name="commitment_ship"),
    path("capacity/", supplier.capacity, name="capacity"),
    path("capacity/save/", supplier.capacity_save, name="capacity_save"),
    path("capacity/<int:pk>/confirm/", supplier.capacity_confirm, name="capacity_confirm"),
    # The secretariat's queue.
    path("secretariat/", secretariat.queue, name="secretariat_queue"),
    path("secretariat/bulk/", secretariat.bulk, name="secretariat_bulk"),
    re_path(r"^secretariat/export\.(?P<file_format>csv|xlsx)$", secretariat.queue_export, name="secretariat_export"),
    path("secretariat/requests/<int:pk>/", secretariat.request_detail, name="secretariat_request"),
    path("secretariat/requests/<int:pk>/approve/", secretariat.request_approve, name="secretariat_approve"),
    path("secretariat/requests/<int:pk>/reject/", secretariat.request_reject, name="secretariat_reject"),
    path("secretariat/requests/<int:pk>/cancel/", secretariat.request_cancel, name="secretariat_cancel"),
    path("secretariat/requests/<int:pk>/close/", secretariat.request_close, name="secretariat_close"),
    path("secretariat/requests/<int:pk>/override/", secretariat.request_override, name="secretariat_override"),
    path(
        "secretariat/requests/<int:pk>/override/clear/",
        secretariat.request_clear_override,
        name="secretariat_clear_override",
    ),
    path(
        "secretariat/requests/<int:request_pk>/commitments/<int:pk>/accept/",
        secretariat.commitment_accept,
        name="secretariat_commitment_accept",
    ),
    path(
        "secretariat/requests/<int:request_pk>/commitments/<int:pk>/decline/",
        secretariat.commitment_decline,
        name="secretariat_commitment_decline",
    ),
]
