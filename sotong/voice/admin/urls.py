from __future__ import annotations

from django.urls import path

from sotong.voice.admin import views

app_name = "voice_admin"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/act/", views.case_action, name="case_action"),
    path("bulk/", views.bulk_action, name="bulk"),
]
