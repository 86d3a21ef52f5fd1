"""ASGI entry point: the whole portal as one application (issue 16): HTTP through Django (whitenoise serves the static
files as under WSGI), WebSockets (/ws/…, the live chat) through Django Channels, signed in by the same session
cookie and refused from another site's page (Origin checked against ALLOWED_HOSTS).

Production runs it with gunicorn and uvicorn workers (Procfile, Dockerfile):
    gunicorn portal.asgi:application -k uvicorn_worker.UvicornWorker
portal/wsgi.py stays for WSGI-only hosting; the live chat then needs this application running behind the same
proxy at /ws/.
"""
import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Files (static files from whitenoise, PDFs, attachments, exports) are sync iterators, which Django's ASGI handler
# reads in a thread before sending: that is how they are served here, and it says so once per process and location.
# The portal's files are bounded (uploads ≤ 25 MB), so the notice is only noise in the web log.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
# Django first: the routing below imports models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from support.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_application,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
