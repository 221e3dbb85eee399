from django.urls import path

from forum import follow_views, moderation_views, views

app_name = "forum"
urlpatterns = [
    path("forum/", views.index, name="index"),
    path("b/<slug:slug>/", views.board, name="board"),
    path("b/<slug:slug>/new/", views.new_thread, name="new_thread"),
    path("t/<int:thread_id>/", views.thread, name="thread"),
    path("t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("t/<int:thread_id>/unread/", views.first_unread, name="first_unread"),
    path("p/<int:post_id>/", views.post_permalink, name="post"),
    path("p/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:post_id>/delete/", views.delete_post, name="delete_post"),
    path("p/<int:post_id>/like/", views.like, name="like"),
]

urlpatterns += [
    path("t/<int:thread_id>/moderate/", moderation_views.moderate_thread, name="moderate_thread"),
    path("t/<int:thread_id>/move/", moderation_views.move_thread, name="move_thread"),
    path("p/<int:post_id>/moderate/", moderation_views.moderate_post, name="moderate_post"),
    path("p/<int:post_id>/report/", moderation_views.report_post, name="report_post"),
    path("p/<int:post_id>/revisions/", moderation_views.post_revisions, name="post_revisions"),
    path("moderation/", moderation_views.report_queue, name="report_queue"),
    path("moderation/reports/<int:report_id>/", moderation_views.close_report, name="close_report"),
    path("moderation/log/", moderation_views.moderation_log, name="moderation_log"),
]

urlpatterns += [
    path("t/<int:thread_id>/follow/", follow_views.follow_thread, name="follow_thread"),
    path("t/<int:thread_id>/unfollow/", follow_views.unfollow_thread, name="unfollow_thread"),
]
