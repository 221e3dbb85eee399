from django.urls import path

from voting import poll_views, report_views, summary_views, views

app_name = "voting"

urlpatterns = [
    # Ideas (voting.views)
    path("ideas/", views.index, name="index"),
    path("ideas/<slug:product>/", views.idea_list, name="list"),
    path("ideas/<slug:product>/roadmap/", views.roadmap, name="roadmap"),
    path("ideas/<slug:product>/new/", views.propose, name="propose"),
    path("ideas/<slug:product>/similar/", views.similar_titles, name="similar"),
    path("ideas/board/<slug:slug>/new/", views.propose_in_board, name="propose_in_board"),
    path("idea/<int:idea_id>/vote/", views.vote, name="vote"),
    path("idea/<int:idea_id>/status/", views.change_status, name="status"),

    # Reports and the Popcorn Award (voting.report_views)
    path("report/<slug:product_slug>/<str:version>/", report_views.report, name="report"),
    path("awards/", report_views.awards, name="awards"),
    path("awards/<slug:product_slug>/", report_views.product_awards, name="product_awards"),
    path("awards/<slug:product_slug>/<str:version>/", report_views.award, name="award"),
    path("awards/<slug:product_slug>/<str:version>/card.png", report_views.award_card, name="award_card"),

    # The product managers' feedback summaries (voting.summary_views)
    path("feedback/<slug:product_slug>/", summary_views.trend, name="trend"),
    path("feedback/<slug:product_slug>/<str:version>/", summary_views.summary, name="summary"),
    path("feedback/<slug:product_slug>/<str:version>/updates.csv", summary_views.items_csv,
         name="summary_items_csv"),
    path("feedback/<slug:product_slug>/<str:version>/comments.csv", summary_views.comments_csv,
         name="summary_comments_csv"),

    # Polls (voting.poll_views)
    path("threads/<int:thread_id>/polls/new/", poll_views.open_poll, name="poll_new"),
    path("polls/<int:poll_id>/answer/", poll_views.answer, name="poll_answer"),
    path("polls/<int:poll_id>/close/", poll_views.close, name="poll_close"),
]
