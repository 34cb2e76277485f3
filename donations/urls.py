from django.urls import path

from .views import pledges, public, shipments

app_name = "donations"

urlpatterns = [
    path("", public.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", public.appeal_detail, name="appeal_detail"),
    path("appeals/<int:appeal_pk>/pledge/", pledges.pledge_create, name="pledge_create"),
    path("honour-roll/", public.honour_roll, name="honour_roll"),
    path("certificates/<str:number>/", public.certificate_verify, name="certificate_verify"),
    path("pledges/", pledges.pledge_list, name="pledge_list"),
    path("pledges/new/", pledges.pledge_create, name="pledge_create_standalone"),
    path("pledges/<int:pk>/", pledges.pledge_detail, name="pledge_detail"),
    path("pledges/<int:pk>/confirm/", pledges.pledge_confirm, name="pledge_confirm"),
    path("pledges/<int:pk>/dispatch/", pledges.pledge_dispatch, name="pledge_dispatch"),
    path("pledges/<int:pk>/deliver/", pledges.pledge_deliver, name="pledge_deliver"),
    path("pledges/<int:pk>/acknowledge/", pledges.pledge_acknowledge, name="pledge_acknowledge"),
    path("pledges/<int:pk>/cancel/", pledges.pledge_cancel, name="pledge_cancel"),
    path("pledges/<int:pk>/customs/", pledges.pledge_customs, name="pledge_customs"),
    path("pledges/<int:pk>/certificate.pdf", pledges.pledge_certificate, name="pledge_certificate"),
    path("shipments/<int:pk>/", shipments.shipment_detail, name="shipment_detail"),
]
