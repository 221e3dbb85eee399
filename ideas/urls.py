from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("ideas/", views.index, name="index"),
    path("ideas/<slug:product>/", views.idea_list, name="list"),
    path("ideas/<slug:product>/roadmap/", views.roadmap, name="roadmap"),
    path("ideas/<slug:product>/new/", views.propose, name="propose"),
    path("ideas/<slug:product>/similar/", views.similar_titles, name="similar"),
    path("ideas/board/<slug:slug>/new/", views.propose_in_board, name="propose_in_board"),
    path("idea/<int:idea_id>/vote/", views.vote, name="vote"),
    path("idea/<int:idea_id>/status/", views.change_status, name="status"),
]
