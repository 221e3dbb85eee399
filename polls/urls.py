from django.urls import path

from polls import views

app_name = "polls"

urlpatterns = [
    path("threads/<int:thread_id>/polls/new/", views.open_poll, name="new"),
    path("polls/<int:poll_id>/answer/", views.answer, name="answer"),
    path("polls/<int:poll_id>/close/", views.close, name="close"),
]
