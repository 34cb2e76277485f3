"""A JSON serialisation format for backups that loses nothing: Django's own "json" format cuts datetimes to
milliseconds (ECMA-262), so a restored row would differ from the saved one. Registered as "exactjson" in
SERIALIZATION_MODULES; the files are read back by Django's JSON deserializer."""

import datetime

from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "ExactJSONEncoder", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = JSONDeserializer
