"""An ORM query whose SQL is built once per process (issue 18).

Building a query costs the ORM far more than PostgreSQL spends answering a lookup by key: reading a user with its
dealer takes ~0.6 ms of Python to build and ~0.1 ms to run. Queries of one shape that run on every request (the
session, the signed-in user, an API token) are built here once, with sample values, and then run with the request's
values; the rows become model instances through the ORM's own converters and populators, so a caller gets what the
queryset would have given (select_related objects included).

    USER = CompiledQuery(lambda pk: User.objects.select_related("dealer").filter(pk=pk), sample=(-31_337,))
    user = USER.first(pk)

Rules: `make` returns a queryset of model instances (no values(), no prefetch_related); the samples are distinct,
unusual values of the type the query compares with (the ORM must pass them through unchanged: an int for an integer
key, an aware datetime for a date-time); every other parameter in the SQL is a constant of the query. The first run
with real values checks once that the ORM would have built the same SQL with the same parameters; if not (a value
that changes the query's shape), the query falls back to the ORM for good and says so in the log. A None among the
values always goes through the ORM (`= NULL` is not `IS NULL`), so does an integer beyond 64 bits."""
import logging

from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators

logger = logging.getLogger(__name__)
# An integer the database's columns cannot hold goes through the ORM, which knows such a lookup finds nothing.
_BIGINT = (-(2**63), 2**63 - 1)


class CompiledQuery:
    def __init__(self, make, *, sample, using="default"):
        if len(set(map(repr, sample))) != len(sample):
            raise ValueError("CompiledQuery: the sample values must be distinct")
        self._make, self._sample, self._using = make, tuple(sample), using
        self._compiled = None
        self.verified = False  # the first run with real values matched the ORM's SQL
        self.fallback = False  # it did not: every run goes through the ORM

    def all(self, *values) -> list:
        """The queryset's instances for these values, in its order."""
        if self.fallback or any(value is None or (type(value) is int and not _BIGINT[0] <= value <= _BIGINT[1])
                                for value in values):
            return list(self._make(*values))
        compiled = self._compiled or self._compile()
        sql, slots, constants = compiled[0], compiled[1], compiled[2]
        params = [values[slot] if slot is not None else constant for slot, constant in zip(slots, constants,
                                                                                             strict=True)]
        if not self.verified and not self._verify(sql, params, values):
            return list(self._make(*values))
        connection = connections[self._using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._instances(rows, connection, compiled)

    def first(self, *values):
        """The first instance for these values, or None (for a lookup by a unique key: the query has no LIMIT of
        its own unless `make` sliced it)."""
        found = self.all(*values)
        return found[0] if found else None

    def _compile(self):
        queryset = self._make(*self._sample)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise TypeError("CompiledQuery: a queryset of model instances without prefetch_related")
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots, constants, found = [], [], set()
        for value in params:
            slot = next((i for i, sample in enumerate(self._sample)
                         if type(sample) is type(value) and sample == value), None)
            slots.append(slot)
            constants.append(None if slot is not None else value)
            found.add(slot)
        missing = set(range(len(self._sample))) - found
        if missing:
            raise ValueError(f"CompiledQuery: sample values {sorted(missing)} are not parameters of the SQL "
                             "(converted by the ORM, or not compared with)")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self._compiled = (
            sql, slots, constants, klass_info["model"], start, end,
            [column[0].target.attname for column in select[start:end]],
            get_related_populators(klass_info, select, self._using),
            dict(compiler.annotation_col_map or {}),
            compiler.get_converters([column[0] for column in select[0:compiler.col_count]]),
        )
        return self._compiled

    def _verify(self, sql, params, values) -> bool:
        """Once: does the ORM build this SQL with these parameters for real values too?"""
        queryset = self._make(*values)
        orm_sql, orm_params = queryset.query.get_compiler(using=self._using).as_sql()
        if orm_sql == sql and list(orm_params) == params:
            self.verified = True
            return True
        self.fallback = True
        logger.error("CompiledQuery: the ORM builds another query for real values; using the ORM from now on: %s",
                     orm_sql)
        return False

    def _instances(self, rows, connection, compiled):
        model, start, end, init_list, populators, annotations, converters = compiled[3:]
        if converters:
            rows = _converted(rows, converters, connection)
        objects = []
        for row in rows:
            obj = model.from_db(self._using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _converted(rows, converters, connection):
    """SQLCompiler.apply_converters without a compiler."""
    converters = list(converters.items())
    for row in map(list, rows):
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        yield row
