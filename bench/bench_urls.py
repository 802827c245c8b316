from django.http import JsonResponse
from django.urls import path

from hallops.urls import urlpatterns as hallops_urlpatterns


def bare(request):
    """What any Django JSON view costs on daphne: the middleware stack and a JsonResponse."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare), *hallops_urlpatterns]
