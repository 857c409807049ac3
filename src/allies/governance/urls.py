"""Web pages of governance (included by allies.web.urls under the "governance" namespace)."""

from django.urls import path

from allies.governance import views

urlpatterns = [
    path("", views.alliance_index, name="list"),
    path("alliances/<int:pk>/", views.alliance_detail, name="alliance"),
    path("alliances/<int:pk>/bodies/new/", views.body_create, name="body_create"),
    path("alliances/<int:pk>/escalation-path/", views.escalation_path_edit, name="escalation_path"),
    path("alliances/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("alliances/<int:pk>/action-items/", views.action_item_add, name="action_item_add"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("bodies/<int:pk>/members/", views.member_add, name="member_add"),
    path("bodies/<int:pk>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("bodies/<int:pk>/generate/", views.meetings_generate, name="generate"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("action-items/mine/", views.my_actions, name="my_actions"),
    path("action-items/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("calendar/", views.calendar_feeds, name="calendar"),
    path("calendar/<int:pk>/regenerate/", views.feed_regenerate, name="feed_regenerate"),
    path("calendar/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("conflicts/", views.conflict_index, name="conflicts"),
    path("conflicts/new/", views.conflict_create, name="conflict_create"),
    path("conflicts/<int:pk>/", views.conflict_detail, name="conflict"),
    path("conflicts/<int:pk>/escalate/", views.conflict_escalate, name="conflict_escalate"),
    path("conflicts/<int:pk>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path("conflicts/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
]
