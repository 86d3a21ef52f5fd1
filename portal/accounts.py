"""allauth adapter: allauth's mails (password reset) go through the outbox, in the recipient's language."""
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import outbox


class AccountAdapter(DefaultAccountAdapter):
    # allauth has no Vietnamese; the messages a dealer can meet are ours, translated in every language.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("The e-mail address, password or dealer code is not correct."),
        "account_inactive": _("This account is deactivated. Ask an owner of your company."),
        "too_many_login_attempts": _("Too many failed logins. Please try again later."),
        "invalid_password_reset": _("This password reset link is not valid any more."),
    }

    def is_open_for_signup(self, request):
        # Dealers apply through the application form; nobody signs up bare.
        return settings.ACCOUNT_SIGNUP_OPEN

    def send_mail(self, template_prefix, email, context):
        """Render now (the link needs the request), deliver later through the outbox: never inside the request."""
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "language", None) or translation.get_language() or settings.LANGUAGE_CODE
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        with transaction.atomic():
            outbox.notify_rendered(to=email, user=user, subject=message.subject, text=message.body, html=html,
                                   language=language)


def axes_username(request, credentials):
    """The login name django-axes counts failures for, whichever key the caller used (allauth: `email`)."""
    for key in ("login", "email", "username"):
        value = (credentials or {}).get(key)
        if value:
            return str(value).strip().lower()
    data = getattr(request, "POST", None) or {}
    return str(data.get("login", "")).strip().lower() or None
