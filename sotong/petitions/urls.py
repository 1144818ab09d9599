from __future__ import annotations

from django.urls import path

from sotong.petitions.views import mayor, proposals, verify

app_name = "petitions"

urlpatterns = [
    path("", proposals.index, name="index"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.propose, name="propose"),
    path("proposals/similar/", proposals.similar, name="similar"),
    path("proposals/<int:pk>/", proposals.proposal, name="proposal"),
    path("proposals/<int:pk>/support/", proposals.support, name="support"),
    path("proposals/<int:pk>/comments/", proposals.comment, name="comment"),
    path("proposals/<int:pk>/comments/<int:comment_pk>/report/", proposals.report, name="report"),
    path("verify/", verify.verify, name="verify"),
    path("verify/end/", verify.sign_out, name="verify_end"),
    path("about/", mayor.about, name="about"),
    path("messages/", mayor.message_list, name="messages"),
    path("messages/<int:pk>/", mayor.message_detail, name="message"),
    path("schedule/", mayor.schedule, name="schedule"),
    path("schedule.ics", mayor.schedule_ics, name="schedule_ics"),
    path("letter/", mayor.letter, name="letter"),
    path("letter/sent/", mayor.letter_sent, name="letter_sent"),
    path("statistics/", mayor.statistics, name="statistics"),
]
