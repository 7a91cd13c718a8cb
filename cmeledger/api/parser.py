"""ninja's parser, refusing text that holds a NUL character (cmeledger/lib/nul.py says
why): every JSON body and API form field goes through here, after authentication."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from cmeledger.lib.nul import MESSAGE, nul_field, nul_path


class NulInBody(ValueError):
    """A JSON body holds a NUL; `field` is its dotted place, e.g. `records.3.last_name`.

    ninja turns anything parse_body raises into a 400 "Cannot parse request body" with
    this as its cause; the API's HttpError handler answers 422 naming the field instead."""

    def __init__(self, path: tuple) -> None:
        self.field = ".".join(str(part) for part in path) or "body"
        super().__init__(f"{self.field}: {MESSAGE}")


class TextParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        path = nul_path(data)
        if path is not None:
            raise NulInBody(path)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        if data is not request.FILES:
            field = nul_field((name, value) for name, values in data.lists() for value in values)
            if field is not None:
                source = "query" if data is request.GET else "form"
                raise ValidationError([{"loc": (source, field), "msg": MESSAGE, "type": "nul"}])
        return super().parse_querydict(data, list_fields, request)
