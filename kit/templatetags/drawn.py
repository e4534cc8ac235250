"""``{% drawn_by "a.html" "b.html" as digest %}``: a digest of templates' text, for the keys of
fragments kept drawn with ``{% cache %}`` (a changed template draws anew; ``kit.panels``)."""

from django import template

from kit.panels import template_digest

register = template.Library()


@register.simple_tag
def drawn_by(*names: str) -> str:
    return template_digest(*names)
