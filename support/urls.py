"""URLs of support."""
from django.urls import path

from .views import calls as call_views
from .views import chat as chat_views
from .views import dealer as dealer_views
from .views import desk as desk_views
from .views import faq as faq_views
from .views import metrics as metrics_views
from .views import quarantine as quarantine_views
from .views import satisfaction as satisfaction_views
from .views import whatsapp as whatsapp_views

app_name = "support"
urlpatterns: list = [
    # FAQ (H-FAQ): before the tickets' <number> patterns; "suggest" is not an article's slug.
    path("faq/", faq_views.faq, name="faq"),
    path("faq/suggest/", faq_views.faq_suggest, name="faq_suggest"),
    path("faq/<slug:slug>/", faq_views.faq_article, name="faq_article"),
    path("faq/<slug:slug>/vote/", faq_views.faq_vote, name="faq_vote"),
    # Satisfaction and metrics (H-METRICS): before the desk's and the tickets' <number> patterns.
    path("desk/metrics/", metrics_views.metrics, name="metrics"),
    # Live chat (issue 16, H3; protocol in support/consumers.py): before the desk's and the tickets' <number>.
    path("chat/", chat_views.chat_state, name="chat_state"),
    path("chat/start/", chat_views.chat_start, name="chat_start"),
    path("chat/<str:number>/messages/", chat_views.chat_messages, name="chat_messages"),
    path("chat/<str:number>/send/", chat_views.chat_send, name="chat_send"),
    path("chat/<str:number>/end/", chat_views.chat_end, name="chat_end"),
    path("desk/chats/", chat_views.desk_chats, name="desk_chats"),
    path("desk/chats/duty/", chat_views.desk_duty, name="desk_chat_duty"),
    path("desk/<str:number>/chat/accept/", chat_views.desk_chat_accept, name="desk_chat_accept"),
    path("desk/<str:number>/chat/handover/", chat_views.desk_chat_handover, name="desk_chat_handover"),
    path("desk/<str:number>/chat/end/", chat_views.desk_chat_end, name="desk_chat_end"),
    path("desk/<str:number>/chat/follow-up/", chat_views.desk_chat_follow_up, name="desk_chat_follow_up"),
    # Quarantine of inbound messages (issue 16, H2): before the desk's <number> patterns.
    path("desk/quarantine/", quarantine_views.quarantine_list, name="quarantine"),
    path("desk/quarantine/<int:pk>/release/", quarantine_views.release_to_ticket, name="quarantine_release"),
    path("desk/quarantine/<int:pk>/contact/", quarantine_views.release_as_contact, name="quarantine_contact"),
    path("desk/quarantine/<int:pk>/drop/", quarantine_views.drop, name="quarantine_drop"),
    path("desk/inbound/<int:pk>/raw/", quarantine_views.inbound_raw, name="inbound_raw"),
    # The desk (H-DESK): staff only, before the tickets' <number> patterns.
    path("desk/", desk_views.desk_queue, name="desk"),
    # Phone calls (issue 16, H6): "new-call" before the desk's <number> patterns.
    path("desk/new-call/", call_views.desk_new_call, name="desk_new_call"),
    path("desk/<str:number>/call/", call_views.desk_call, name="desk_call"),
    path("desk/<str:number>/", desk_views.desk_ticket, name="desk_ticket"),
    path("desk/<str:number>/reply/", desk_views.desk_reply, name="desk_reply"),
    path("desk/<str:number>/note/", desk_views.desk_note, name="desk_note"),
    path("desk/<str:number>/assign/", desk_views.desk_assign, name="desk_assign"),
    path("desk/<str:number>/assign-me/", desk_views.desk_assign_me, name="desk_assign_me"),
    path("desk/<str:number>/priority/", desk_views.desk_priority, name="desk_priority"),
    path("desk/<str:number>/move/", desk_views.desk_move, name="desk_move"),
    path("desk/<str:number>/merge/", desk_views.desk_merge, name="desk_merge"),
    path("desk/<str:number>/canned/", desk_views.desk_canned, name="desk_canned"),
    path("desk/<str:number>/panel/", desk_views.desk_panel, name="desk_panel"),
    path("rate/<str:token>/", satisfaction_views.rate_link, name="rate_link"),
    path("<str:number>/rate/", satisfaction_views.rate, name="rate"),
    # WhatsApp's signed webhook (issue 16, H5): no session, before the tickets' <number> patterns.
    path("webhooks/whatsapp/", whatsapp_views.whatsapp_webhook, name="whatsapp_webhook"),
    # The dealer's tickets (H-TICKETS): last, their <number> catches what the patterns above do not.
    path("", dealer_views.ticket_list, name="tickets"),
    path("new/", dealer_views.ticket_new, name="new"),
    path("files/<int:pk>/", dealer_views.attachment, name="attachment"),
    path("<str:number>/", dealer_views.ticket_detail, name="ticket"),
    path("<str:number>/close/", dealer_views.ticket_close, name="close"),
]
