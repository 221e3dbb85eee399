from django.urls import path

from samples import views

app_name = "samples"

urlpatterns = [
    path("samples/", views.programme_list, name="list"),
    path("samples/<int:programme_id>/", views.detail, name="detail"),
    path("samples/<int:programme_id>/apply/", views.apply, name="apply"),
]
