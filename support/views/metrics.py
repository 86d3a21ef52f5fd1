"""The support manager's metrics (`support:metrics`, /support/desk/metrics/): superusers and team leads only."""
from django.contrib.auth.decorators import login_required
from django.http import Http404

from ..permissions import may_see_metrics


@login_required
def metrics(request):
    if not may_see_metrics(request.user):
        raise Http404
    raise Http404
