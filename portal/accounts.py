"""allauth adapter: mails from allauth go out in the recipient's language."""
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Dealers apply through the application form; nobody signs up bare.
        return settings.ACCOUNT_SIGNUP_OPEN
