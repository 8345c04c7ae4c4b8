"""HTML pages from Jinja2 templates, the same way everywhere: autoescaping on (every text from
the store is escaped unless code marks it safe), undefined names are errors rather than blanks,
and templates live in a ``templates/`` folder beside the code that fills them."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def environment(package: str) -> Environment:
    """The template environment of ``package`` (its ``templates/`` folder), made once."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(package: str, template: str, **values: object) -> str:
    """Fill ``template`` from ``package``'s templates with ``values``."""
    return environment(package).get_template(template).render(**values)
