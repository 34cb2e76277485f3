"""Account pages of our own, beside django.contrib.auth's (login, logout, password change and reset)."""

from django.urls import path

from .views import accounts

# Listed before django.contrib.auth.urls, so these replace its login and logout (same names, same templates).
urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("invitation/<str:token>/", accounts.accept_invitation, name="accept_invitation"),
]
