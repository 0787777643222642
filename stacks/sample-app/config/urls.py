from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from apps.core import views

urlpatterns = [
    # Also answered by HealthProbeMiddleware before host checks; routed here so they resolve by name.
    path("healthz/", views.liveness, name="healthz"),
    path("readyz/", views.readiness, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
