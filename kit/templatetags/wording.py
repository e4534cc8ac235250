"""Filters that word dates, times and slips the one way the service does (``kit.formatting``):
``{{ moment|clock }}`` "4:52pm", ``{{ moment|when }}`` "4 December 2026 at 4:52pm",
``{{ days|slip }}`` "4 days late", and ``{% printed_now %}`` for a printout's time."""

from datetime import datetime

from django import template
from django.utils import timezone

from kit import formatting

register = template.Library()


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@register.filter
def clock(moment) -> str:
    return formatting.clock(_local(moment)) if isinstance(moment, datetime) else ""


@register.filter
def when(moment) -> str:
    return formatting.when_label(_local(moment)) if isinstance(moment, datetime) else ""


@register.filter
def slip(days) -> str:
    return formatting.slip(days)


@register.simple_tag
def printed_now() -> str:
    return formatting.when_label(timezone.localtime())
