"""Sessions in the database (settings.SESSION_ENGINE): Django's store, with the read every signed-in request makes
built once per process (portal.compiled: the ORM spent ~0.3 ms building this lookup, PostgreSQL ~0.05 ms answering
it; issue 18), and a key that cannot be one is not looked up. What is read, when a session counts as expired and what an unknown key gives are Django's."""
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from .compiled import CompiledQuery

_SAMPLE_KEY = "compiled-sample-session-key-0000"


class SessionStore(DatabaseSessionStore):
    _live = None  # CompiledQuery of get_model_class(), built on first use

    def _validate_session_key(self, key):
        """Django's keys are letters and digits: a cookie with anything else (a NUL byte, which PostgreSQL refuses in
        a string, would have made the lookup fail with a 500) names no session."""
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()

    def _get_session_from_db(self):
        cls = type(self)
        if cls._live is None:
            model = self.model
            cls._live = CompiledQuery(lambda key, now: model.objects.filter(session_key=key, expire_date__gt=now),
                                      sample=(_SAMPLE_KEY, timezone.now()))
        session = cls._live.first(self.session_key, timezone.now())
        if session is None:
            self._session_key = None
        return session
