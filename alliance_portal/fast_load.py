"""Rows read from the database made into model instances without running `Model.__init__`.

Django builds every row of a queryset (and every row joined by `select_related`) as `cls(*values)`: `__init__`
sends `pre_init` and `post_init`, walks the model's concrete fields, puts DEFERRED in for the columns not read
(finding each in a list) and sets each value through `setattr`. A list page of 50 rows with three joined models
builds 200 of them, which costs about a fifth of an API list's time. Loading from the database needs none of it
when nothing listens: `from_db` here puts the values read straight into the instance's `__dict__`, which is where
`__init__`'s `setattr` puts them, and marks the instance as loaded, as Django's own `from_db` does.

Taken only for a model class whose instances `__init__` would make the same way, checked once per class (and the
signals on every row):

- no receiver of `pre_init` or `post_init` for it (an ImageField's dimensions, for instance, listen there);
- no `__init__` of its own;
- no concrete field whose attribute is a data descriptor (one that does something when set, such as a FileField's),
  but a foreign key's id (ForeignKeyDeferredAttribute, which only forgets a cached related object: there is none
  on a new instance).

Every other model takes Django's own `from_db`. Installed once, by `alliance_portal.apps`.
"""

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

_django_from_db = Model.from_db.__func__  # type: ignore[attr-defined]
_plain: dict[type, bool] = {}


def _loads_plainly(cls: type[Model]) -> bool:
    if cls not in _plain:
        plain = cls.__init__ is Model.__init__
        for field in cls._meta.concrete_fields:
            descriptor = next((vars(c)[field.attname] for c in cls.__mro__ if field.attname in vars(c)), None)
            if hasattr(type(descriptor), "__set__") and not isinstance(descriptor, ForeignKeyDeferredAttribute):
                plain = False
        _plain[cls] = plain
    return _plain[cls]


def _listened(cls: type[Model]) -> bool:
    # Usually no receiver at all is connected: then no class needs asking.
    return bool(pre_init.receivers or post_init.receivers) and (
        pre_init.has_listeners(cls) or post_init.has_listeners(cls)
    )


def from_db(cls, db, field_names, values):
    if not _loads_plainly(cls) or _listened(cls):
        return _django_from_db(cls, db, field_names, values)
    new = cls.__new__(cls)
    state = ModelState()
    state.adding = False
    state.db = db
    attributes = new.__dict__
    attributes["_state"] = state
    attributes.update(zip(field_names, values, strict=True))
    return new


def install() -> None:
    Model.from_db = classmethod(from_db)  # type: ignore[method-assign, assignment]
