"""Account pages of our own, beside django.contrib.auth's (login, logout, password change and reset)."""

from django.urls import path

from .views import accounts

urlpatterns = [
    path("invitation/<str:token>/", accounts.accept_invitation, name="accept_invitation"),
]
