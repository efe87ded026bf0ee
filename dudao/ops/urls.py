from django.urls import path

from dudao.ops import health, metrics

app_name = "ops"
urlpatterns = [
    path("health/", health.health, name="health"),
    path("metrics", metrics.metrics, name="metrics"),
]
