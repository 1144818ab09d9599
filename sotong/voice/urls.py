from __future__ import annotations

from django.urls import path

from sotong.voice import views

app_name = "voice"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("submitted/<str:number>/", views.submitted, name="submitted"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:number>/", views.track, name="track"),
    path("track/<str:number>/photos/<int:pk>/", views.photo, name="photo"),
    path("answered/", views.answered, name="answered"),
    path("stats/", views.stats, name="stats"),
]
