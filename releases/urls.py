from django.urls import path

from releases import feeds, views

app_name = "releases"
urlpatterns = [
    path("releases/", views.index, name="index"),
    path("releases/<slug:product_slug>/", views.product, name="product"),
    path("releases/<slug:product_slug>/feed.atom", feeds.ProductReleasesFeed(), name="feed"),
    # Before the release route: no version is called "follow" (versions are numbers).
    path("releases/<slug:product_slug>/follow/", views.follow, name="follow"),
    # str: a version has dots (26.11.27) but never a slash.
    path("releases/<slug:product_slug>/<str:version>/", views.release, name="release"),
    path("releases/<slug:product_slug>/<str:version>/card.png", views.release_card, name="card"),
    # Where the publish notification leads: on to the release's next step (releases.steps).
    path("releases/<slug:product_slug>/<str:version>/next/", views.next_step, name="next_step"),
]
