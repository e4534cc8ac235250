from django.shortcuts import render

from . import selectors


def my_objectives(request):
    """The signed-in person's own objectives, most urgent first."""
    rows = selectors.objectives_drift_for_owner(request.user)
    return render(request, "objectives/my_objectives.html", {"rows": rows})
