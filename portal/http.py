"""Request helpers shared by views, API and admin."""


def client_ip(request):
    """The client's address as the web server saw it (behind a proxy, configure it to set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR")
