from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kit.health import healthz
from kit.signin_forms import AdminSignInForm, SignInForm

admin.site.site_header = "Improvement plan administration"
admin.site.site_title = "Improvement plan"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("reminders.auth_urls")),
    path("", include("reminders.urls")),
    path("", include("kit.urls")),
    path("oidc/", include("sso.urls")),
    path("admin/", admin.site.urls),
    path("", include("board.urls")),
    path("", include("calendars.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("milestones.urls")),
    path("manage/import/", include("importing.urls")),
    path("manage/people/", include("people.urls")),
    path("manage/", include("planning.urls")),
    path("", include("impact.urls")),
    path("", include("objectives.urls")),
    path("", include("tracking.urls")),
]

handler500 = "kit.errors.server_error"
