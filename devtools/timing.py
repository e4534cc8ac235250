"""Where a request's time goes: SQL, templates and the rest (Python), for ``manage.py bench``.

SQL is timed around every query the connection runs; templates around the outermost render of
a template (an included or extended one counts within it), less the SQL run while rendering
(a lazy read drawn by the template counts as SQL). Python is the rest of the request.
SQLite hands rows over as they are fetched, after the query's ``execute`` returns: there, the
SQL column is a floor and the database's part of fetching counts as Python.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.template import base


@dataclass
class Split:
    sql: float = 0.0
    sql_in_templates: float = 0.0
    templates: float = 0.0

    def parts(self, total: float) -> tuple[float, float, float]:
        """SQL, templates (without their SQL) and Python, in the unit of ``total``."""
        templates = self.templates - self.sql_in_templates
        return self.sql, templates, max(0.0, total - self.sql - templates)


@contextmanager
def split_time():
    """Yield a ``Split`` that fills in, in milliseconds, while the block runs."""
    split = Split()
    depth = [0]
    render = base.Template.render

    def timed_render(template, context):
        if depth[0]:
            return render(template, context)
        depth[0] += 1
        started = time.perf_counter()
        try:
            return render(template, context)
        finally:
            split.templates += (time.perf_counter() - started) * 1000
            depth[0] -= 1

    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - started) * 1000
            split.sql += took
            if depth[0]:
                split.sql_in_templates += took

    base.Template.render = timed_render
    try:
        with connection.execute_wrapper(timed_query):
            yield split
    finally:
        base.Template.render = render
