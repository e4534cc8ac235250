"""Model instances from rows read by plain SQL, converted as the ORM converts them.

A page that reads the same row on every request (a session's account, the plan asked for) pays
more for the ORM building, compiling and converting the query than for running it. These
write the SQL once from the model's table and column names and make the instance from the
row as the ORM would (its database's converters applied: SQLite's dates and times, for one).
"""

from __future__ import annotations

import functools

from django.db import connection


class Reader:
    """Rows of ``fields`` into model instances, converted as the ORM converts them (SQLite's
    dates and times, for one)."""

    def __init__(self, fields):
        self.model = fields[0].model
        self.names = [f.attname for f in fields]
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(self.model._meta.db_table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))

    def __len__(self) -> int:
        return len(self.names)

    def __call__(self, values):
        values = list(values)
        for index, converters, column in self.converters:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        return self.model.from_db(connection.alias, self.names, values)


@functools.cache
def _by_pk_sql(model) -> tuple[str, Reader]:
    q = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(q(f.column) for f in fields)
    table, pk = q(model._meta.db_table), q(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s", Reader(fields)  # noqa: S608


def by_pk(model, pk):
    """The instance of ``model`` whose primary key is ``pk``, or None: one query, its SQL
    written once per process."""
    sql, reader = _by_pk_sql(model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else reader(row)
