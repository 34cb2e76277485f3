"""The start pages' routes, mounted at /start/ without a namespace: LOGIN_REDIRECT_URL names "start"."""

from django.urls import path

from . import start

urlpatterns = [
    path("", start.start_page, name="start"),
    path("notices/<int:pk>/acknowledge/", start.start_acknowledge, name="start_acknowledge"),
]
