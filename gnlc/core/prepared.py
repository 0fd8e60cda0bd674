"""Statements compiled once and run again with other ids: for a hot path that reads a
page of rows by id, where Django building and compiling the same query (joins and
correlated subqueries) costs more than the database's answer.

`ById(model, build)` holds a function that gives a `values()` queryset of `model` (a
label, "app.Model") for a list of ids. The first call with n ids (per database, thread
and `key`; n rounded up to a power of two, the first id repeated to fill) builds it
with n stand-in ids, compiles it, and notes where the stand-ins sit among the
statement's parameters, the columns' names and the converters Django applies to them;
each later call with n ids puts the real ids in their places and runs the statement,
converting the values as Django would (`SQLCompiler.results_iter`). The answer is the
queryset's: the same SQL, the same values (gnlc/core/tests/test_prepared.py compares
them).

Limits, by design: the queryset must filter on the ids with `pk__in` (the stand-ins'
parameters) and otherwise depend only on `key`, whose values must be hashable; each
thread keeps its own statements (a compiler belongs to its thread's connection), at
most `SIZE` of them (ten page sizes from 1 to 512, for each key in use).
"""

import threading
from collections import OrderedDict

from django.apps import apps
from django.db import connections, router

# Ids no table holds, distinct from every other parameter a statement may carry.
_STAND_IN = -(2**62)


class ById:
    """A `values()` query on a list of ids, compiled once per database, thread, `key`
    and number of ids (see the module)."""

    SIZE = 32

    def __init__(self, model, build):
        self.model, self.build = model, build
        self._local = threading.local()

    def _compiled(self, alias: str, n: int, key: tuple):
        found = getattr(self._local, "statements", None)
        if found is None:
            found = self._local.statements = OrderedDict()
        entry = found.get((alias, n, key))
        if entry is not None:
            found.move_to_end((alias, n, key))
            return entry
        stand_ins = [_STAND_IN - i for i in range(n)]
        query = self.build(stand_ins, *key).using(alias).query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = [params.index(stand_in) for stand_in in stand_ins]
        if sorted(positions) != sorted(set(positions)) or len(positions) != n:
            raise ValueError("each id must be one parameter of the statement")
        # The columns' names as `ValuesIterable` reads them.
        if query.selected:
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        columns = [select[0] for select in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(columns).items())
        entry = (sql, params, positions, names, converters)
        found[(alias, n, key)] = entry
        if len(found) > self.SIZE:
            found.popitem(last=False)
        return entry

    def rows(self, ids, *key) -> list[dict]:
        """The queryset's `values()` rows for `ids` (in the database's order)."""
        ids = list(ids)
        if not ids:
            return []
        alias = router.db_for_read(apps.get_model(self.model))
        # The next power of two, the first id repeated up to it: a few statements for
        # every page size (a repeated id selects nothing more).
        padded = ids + ids[:1] * ((1 << (len(ids) - 1).bit_length()) - len(ids))
        sql, params, positions, names, converters = self._compiled(alias, len(padded), key)
        params = list(params)
        for position, pk in zip(positions, padded, strict=True):
            params[position] = pk
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return [dict(zip(names, row, strict=True)) for row in rows]
