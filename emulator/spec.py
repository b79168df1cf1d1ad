"""The Bot API's own description (api.json) as the judge of every request's parameters.

Checking against the published spec rather than a hand-written list means a bot that sends a
misspelled parameter, a wrong type or a malformed keyboard fails here the way it would fail
against Telegram, and the emulator cannot drift from the API it claims to speak.

Values arrive as strings (form or query), JSON values (a JSON body) or uploads (multipart);
they are coerced the way Telegram coerces them: "123" is an Integer, "true"/"1" a Boolean, a
JSON-serialized string an object or array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ApiFailure, bad_request

API_JSON = Path(__file__).with_name("api.json")

_SCALARS = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
_ARRAY = "Array of "
_DISCRIMINATOR = re.compile(r"""(?:must be|always)\s+[“"]?([a-z0-9_]+)""")
_ATTACH = re.compile(r"attach://([\w.\-]+)")

# What Telegram calls an object in "can't parse <what>: ..." when it sits inside another one.
_CONTEXT_NAMES = {
    "InlineKeyboardButton": "inline keyboard button",
    "KeyboardButton": "keyboard button",
    **{
        f"InputMedia{kind}": "InputMedia"
        for kind in ("Animation", "Audio", "Document", "LivePhoto", "Photo", "Video")
    },
}

# Telegram's own words for some missing required parameters.
_MISSING = {
    "text": "message text is empty",
    "chat_id": "chat_id is empty",
    "callback_query_id": "query is too old and response timeout expired or query ID is invalid",
    "file_id": "file_id not specified",
    "message_id": "message identifier is not specified",
    "user_id": "user not found",
}

# Parameters Telegram still accepts although the current spec replaced them.
_LEGACY: dict[str, tuple[str, ...]] = {
    "reply_to_message_id": ("Integer",),
    "allow_sending_without_reply": ("Boolean",),
    "disable_web_page_preview": ("Boolean",),
}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


def _always() -> bool:
    return True


@dataclass
class Call:
    """A request after validation: what method implementations work from."""

    method: str
    params: dict[str, Any]
    attachments: dict[str, Upload] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    client_connected: Callable[[], bool] = field(default=_always, repr=False)


class _Mismatch(Exception):
    """A value that does not fit; `structural` errors already carry their final wording."""

    def __init__(self, message: str, *, structural: bool) -> None:
        super().__init__(message)
        self.message = message
        self.structural = structural


def _type_word(types: Iterable[str]) -> str:
    words: list[str] = []
    for name in types:
        if name in ("Integer", "Float"):
            word = "Number"
        elif name.startswith(_ARRAY):
            word = "Array"
        elif name in _SCALARS:
            word = name
        else:
            word = "Object"
        if word not in words:
            words.append(word)
    return " or ".join(words)


class Spec:
    """Methods and types of one Bot API version, with case-insensitive method lookup."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version = str(data.get("version", ""))
        self.methods: dict[str, dict[str, FieldSpec]] = {}
        self._by_lower: dict[str, str] = {}
        for name, method in data["methods"].items():
            self.methods[name] = {f.name: f for f in _fields(method)}
            self._by_lower[name.lower()] = name
        self.types: dict[str, dict[str, FieldSpec]] = {}
        self.subtypes: dict[str, list[str]] = {}
        self.discriminators: dict[str, str] = {}
        for name, type_ in data["types"].items():
            self.types[name] = {f.name: f for f in _fields(type_)}
            if type_.get("subtypes"):
                self.subtypes[name] = list(type_["subtypes"])
            for f in type_.get("fields", ()):
                if f["name"] in ("type", "status", "source") and (
                    match := _DISCRIMINATOR.search(f.get("description", ""))
                ):
                    self.discriminators[name] = match.group(1)

    def canonical(self, method: str) -> str | None:
        return self._by_lower.get(method.lower())

    def coerce(self, method: str, raw: Mapping[str, object]) -> Call:
        """Validate and convert one request's parameters; raise ApiFailure(400) on a misfit."""
        fields = self.methods[method]
        call = Call(method, {})
        referenced = {
            name
            for value in raw.values()
            if isinstance(value, str)
            for name in _ATTACH.findall(value)
        }
        coercer = _Coercer(self, method, call.warnings)
        for name, value in raw.items():
            spec = fields.get(name)
            if spec is None and name in _LEGACY:
                spec = FieldSpec(name, _LEGACY[name], False)
            if (
                isinstance(value, Upload)
                and name in referenced
                and (spec is None or "InputFile" not in spec.types)
            ):
                call.attachments[name] = value
                continue
            if spec is None:
                call.warnings.append(f"{method}: unknown parameter {name!r} (ignored)")
                continue
            if value is None or (value == "" and "String" not in spec.types):
                continue  # Telegram reads an empty value as an absent one
            try:
                call.params[name] = coercer.value(value, spec.types, name, nested=False)
            except _Mismatch as exc:
                if exc.structural:
                    raise bad_request(exc.message) from None
                raise bad_request(
                    f'parameter "{name}" must be of type {" or ".join(spec.types)}'
                ) from None
        for spec in fields.values():
            if spec.required and spec.name not in call.params:
                raise bad_request(_MISSING.get(spec.name, f'parameter "{spec.name}" is required'))
        return call

    def concrete(self, types: Sequence[str]) -> list[str]:
        """Object type names with abstract ones (BotCommandScope) replaced by their subtypes."""
        out: list[str] = []
        for name in types:
            subtypes = self.subtypes.get(name)
            out.extend(self.concrete(subtypes) if subtypes else [name])
        return out


def _fields(node: Mapping[str, Any]) -> list[FieldSpec]:
    return [
        FieldSpec(f["name"], tuple(f["types"]), bool(f.get("required")))
        for f in node.get("fields", ())
    ]


class _Coercer:
    def __init__(self, spec: Spec, method: str, warnings: list[str]) -> None:
        self.spec = spec
        self.method = method
        self.warnings = warnings

    def value(self, value: object, types: Sequence[str], path: str, *, nested: bool) -> Any:
        if all(t.startswith(_ARRAY) for t in types):
            return self._array(value, [t[len(_ARRAY) :] for t in types], path, nested=nested)
        objects = [t for t in types if t not in _SCALARS and not t.startswith(_ARRAY)]
        arrays = [t[len(_ARRAY) :] for t in types if t.startswith(_ARRAY)]
        scalars = [t for t in types if t in _SCALARS]
        serialized = (objects or arrays) and "String" not in scalars
        if isinstance(value, str) and not nested and serialized:
            value = _load_json(value, path)  # only a parameter itself is JSON-serialized
        if isinstance(value, dict):
            if objects:
                return self._object(value, objects, path, nested=nested)
            raise _Mismatch("", structural=False)
        if isinstance(value, list):
            if arrays:
                return self._array(value, arrays, path, nested=nested)
            raise _Mismatch("", structural=False)
        for name in scalars:
            converted = _scalar(value, name, nested=nested)
            if converted is not _NO:
                return converted
        raise _Mismatch("", structural=False)

    def _array(self, value: object, item_types: list[str], path: str, *, nested: bool) -> Any:
        if isinstance(value, str) and not nested:
            value = _load_json(value, path)
        if not isinstance(value, list):
            raise _Mismatch("", structural=False)
        out = []
        for index, item in enumerate(value):
            try:
                out.append(self.value(item, item_types, f"{path}[{index}]", nested=True))
            except _Mismatch as exc:
                if exc.structural:
                    raise
                raise _Mismatch(
                    f'field "{path}[{index}]" must be of type {_type_word(item_types)}',
                    structural=True,
                ) from None
        return out

    def _object(
        self, value: dict[str, Any], types: list[str], path: str, *, nested: bool
    ) -> dict[str, Any]:
        chosen = self._choose(value, types, path, nested=nested)
        fields = self.spec.types.get(chosen, {})
        base = next((t for t in types if chosen in self.spec.concrete([t])), chosen)
        context = _CONTEXT_NAMES.get(base, base)

        def fail(message: str) -> _Mismatch:
            if nested:
                return _Mismatch(f"can't parse {context}: {message}", structural=True)
            return _Mismatch(message[0].lower() + message[1:], structural=True)

        out: dict[str, Any] = {}
        for key, item in value.items():
            spec = fields.get(key)
            if spec is None:
                if fields:
                    self.warnings.append(f"{self.method}: unknown field {path}.{key} (ignored)")
                    continue
                out[key] = item  # a type without listed fields (CallbackGame): take it whole
                continue
            if item is None:
                continue
            try:
                out[key] = self.value(item, spec.types, f"{path}.{key}", nested=True)
            except _Mismatch as exc:
                if exc.structural:
                    raise
                raise fail(f'Field "{key}" must be of type {_type_word(spec.types)}') from None
        for spec in fields.values():
            if spec.required and spec.name not in out:
                raise fail(f'Can\'t find field "{spec.name}"')
        return out

    def _choose(self, value: dict[str, Any], types: list[str], path: str, *, nested: bool) -> str:
        candidates = self.spec.concrete(types)
        discriminated = [c for c in candidates if c in self.spec.discriminators]
        tag = value.get("type", value.get("status"))
        if discriminated and isinstance(tag, str):
            matching = [c for c in candidates if self.spec.discriminators.get(c) == tag]
            if not matching and len(discriminated) == len(candidates):
                context = _CONTEXT_NAMES.get(types[0], types[0])
                prefix = f"can't parse {context}: " if nested else f"can't parse {path}: "
                raise _Mismatch(prefix + "Unsupported type specified", structural=True)
            candidates = matching or candidates
        for name in candidates:
            required = [f.name for f in self.spec.types.get(name, {}).values() if f.required]
            if all(value.get(r) is not None for r in required):
                return name
        return candidates[0]


class _NoValue:
    pass


_NO = _NoValue()
_INTEGER = re.compile(r"\s*[-+]?\d+\s*")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def _scalar(value: object, name: str, *, nested: bool) -> object:
    if name == "InputFile":
        return value if isinstance(value, Upload) else _NO
    if isinstance(value, Upload):
        return _NO
    if name == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return _NO
    if name == "Integer":
        if isinstance(value, bool):
            return _NO
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return _NO
    if name == "Float":
        if isinstance(value, bool):
            return _NO
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return _NO
        return _NO
    if name == "Boolean":
        if isinstance(value, bool):
            return value
        if nested:
            return _NO  # inside a JSON object Telegram wants a JSON boolean
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        return _NO
    return _NO


def _load_json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise _Mismatch(f"can't parse {path} JSON object", structural=True) from None


@lru_cache(maxsize=1)
def load_spec(path: Path = API_JSON) -> Spec:
    """The spec is read once per process: it is large and never changes at run time."""
    with path.open(encoding="utf-8") as handle:
        return Spec(json.load(handle))


__all__ = ["API_JSON", "ApiFailure", "Call", "FieldSpec", "Spec", "Upload", "load_spec"]
