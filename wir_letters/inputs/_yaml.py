"""The YAML files of a mailing (campaign.yaml, recipient lists, tables): reading them with one error
message, and turning pydantic's validation errors about their keys into translatable problems."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import yaml

from wir_letters.errors import InputError, Problem
from wir_letters.files import load_yaml
from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase, ValueProblem


def read_yaml(path: Path, error: type[InputError]) -> Any:
    """Return the parsed content of a UTF-8 YAML file.

    Args:
        path: the file.
        error: the error to raise, e.g. ``CampaignError`` or ``RecipientError``.

    Raises:
        InputError: (``error``) naming the file when it is not valid UTF-8 or not valid YAML.
    """
    with _yaml_errors(path, error):
        return load_yaml(path.read_text(encoding="utf-8"))


@contextlib.contextmanager
def _yaml_errors(path: Path, error: type[InputError]) -> Iterator[None]:
    """Turn the YAML and decoding errors of reading ``path`` into one ``error`` naming the place."""
    try:
        yield
    except UnicodeDecodeError as err:
        raise error(Problem(str(path), N_("not valid UTF-8 YAML: {error}"), code="yaml.invalid",
                            params={"error": str(err)})) from err
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        raise error(Problem(str(path), N_("YAML syntax error: {problem}"), N_("line {line}, column {column}"),
                            fix=N_("check the indentation and the quotes around that place"), code="yaml.syntax",
                            params={"problem": err.problem or err.context or "", "line": mark.line + 1 if mark else "?",
                                    "column": mark.column + 1 if mark else "?"})) from err
    except yaml.YAMLError as err:
        raise error(Problem(str(path), N_("not valid UTF-8 YAML: {error}"), code="yaml.invalid",
                            params={"error": str(err)})) from err


# pydantic error type -> (our English template, the same as pydantic's message; the code after "campaign.")
_REASONS: Mapping[str, tuple[str, str]] = {
    "string_type": (N_("Input should be a valid string"), "wrong_type"),
    "dict_type": (N_("Input should be a valid dictionary"), "wrong_type"),
    "list_type": (N_("Input should be a valid list"), "wrong_type"),
    "model_type": (N_("Input should be a valid dictionary or instance of {class_name}"), "wrong_type"),
    "path_type": (N_("Input is not a valid path for {class_name}"), "wrong_type"),
    "int_type": (N_("Input should be a valid integer"), "not_a_number"),
    "int_parsing": (N_("Input should be a valid integer, unable to parse string as an integer"), "not_a_number"),
    "int_from_float": (N_("Input should be a valid integer, got a number with a fractional part"), "not_a_number"),
    "float_type": (N_("Input should be a valid number"), "not_a_number"),
    "float_parsing": (N_("Input should be a valid number, unable to parse string as a number"), "not_a_number"),
    "finite_number": (N_("Input should be a finite number"), "not_a_number"),
    "bool_type": (N_("Input should be a valid boolean"), "not_a_boolean"),
    "bool_parsing": (N_("Input should be a valid boolean, unable to interpret input"), "not_a_boolean"),
    "date_type": (N_("Input should be a valid date"), "not_a_date"),
    "date_parsing": (N_("Input should be a valid date in the format YYYY-MM-DD, {error}"), "not_a_date"),
    "date_from_datetime_parsing": (N_("Input should be a valid date or datetime, {error}"), "not_a_date"),
    "date_from_datetime_inexact": (N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
                                   "not_a_date"),
    "greater_than": (N_("Input should be greater than {gt}"), "out_of_range"),
    "greater_than_equal": (N_("Input should be greater than or equal to {ge}"), "out_of_range"),
    "less_than": (N_("Input should be less than {lt}"), "out_of_range"),
    "less_than_equal": (N_("Input should be less than or equal to {le}"), "out_of_range"),
    "string_pattern_mismatch": (N_("String should match pattern '{pattern}'"), "pattern_mismatch"),
}
_SHORT = {  # (error type, one?) -> template
    ("string_too_short", True): N_("String should have at least {min_length} character"),
    ("string_too_short", False): N_("String should have at least {min_length} characters"),
    ("too_short", True): N_("List should have at least {min_length} item after validation, not {actual_length}"),
    ("too_short", False): N_("List should have at least {min_length} items after validation, not {actual_length}"),
}


def validation_problem(file: str, error: Mapping[str, Any], secret: bool = False) -> Problem:
    """One pydantic validation error as a Problem naming the key (``documents[0].template``).

    Known error types get a template of our own (the same English as pydantic's message, so it can be
    translated); others keep pydantic's English text. ``secret``: never show the value given (a password).
    """
    key = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in error["loc"]).replace(".[", "[")
    if error["type"] == "extra_forbidden":
        return Problem(file, N_("unknown key"), field=key, fix=N_("check the spelling or remove it"),
                       code="campaign.unknown_key")
    if error["type"] == "missing":
        return Problem(file, N_("required key is missing"), field=key, fix=N_("add it"), code="campaign.missing_key")
    template, params, code = _reason(error)
    if secret:  # as today: a value error without its "Value error, " prefix
        return Problem(file, template, field=key, code=code, params=params)
    if error["type"] == "value_error":
        template, params = N_("Value error, {error}"), {"error": Phrase(template, params)}
    return Problem(file, N_("{reason} (got {value!r})"), field=key, code=code,
                   params={"reason": Phrase(template, params), "value": error.get("input")})


def _reason(error: Mapping[str, Any]) -> tuple[str, dict[str, Any], str]:
    """The template, params and code of what pydantic found wrong (a value error: its cause);
    pydantic's own text when the type is unknown."""
    kind, ctx, msg = error["type"], dict(error.get("ctx") or {}), str(error["msg"])
    if kind == "value_error":
        cause = ctx.get("error")
        if isinstance(cause, ValueProblem):
            return cause.message, dict(cause.params), cause.code or "campaign.invalid_value"
        return N_("{message}"), {"message": msg.removeprefix("Value error, ")}, "campaign.invalid_value"
    template, code = _REASONS.get(kind, ("", "invalid_value"))
    params = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}
    if kind == "literal_error":
        choices, _, last = str(ctx.get("expected", "")).rpartition(" or ")
        template, code = N_("Input should be {choices} or {last}") if choices else N_("Input should be {last}"), \
            "not_allowed"
        params = {"choices": choices, "last": last}
    elif kind in ("string_too_short", "too_short"):
        template, code = _SHORT[kind, params.get("min_length") == 1], "too_short"
    elif kind == "path_type":
        params = {"class_name": msg.removeprefix("Input is not a valid path for ")}
    try:
        same = bool(template) and template.format(**params) == msg
    except (KeyError, IndexError, ValueError):
        same = False
    if not same:  # a message we do not know: keep pydantic's English
        return N_("{message}"), {"message": msg}, f"campaign.{code}"
    return template, params, f"campaign.{code}"


def yaml_list(path: Path, error: type[InputError], key: str) -> Iterator[Any] | None:
    """The items of a YAML file's top-level list, or of its top-level mapping's ``key`` list, built one
    at a time (each as ``yaml.safe_load`` would build it) so that a long list never exists as one
    node tree (3,300 recipients: 54 MB); None when the file holds no such list.

    The rest of the file is still read to its end, so a syntax error anywhere is reported.

    Raises:
        InputError: (``error``) naming the file when it is not valid UTF-8 or not valid YAML.
    """
    events = _events(path, error)
    with _yaml_errors(path, error):
        top = _next_content(events)
        if isinstance(top, yaml.SequenceStartEvent):
            return _items(path, error, events, _Builder(events))
        if isinstance(top, yaml.MappingStartEvent):
            return _items_under(path, error, events, key)
    return None


def _events(path: Path, error: type[InputError]) -> Iterator[yaml.Event]:
    with _yaml_errors(path, error):
        text = path.read_text(encoding="utf-8")
    return iter(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _next_content(events: Iterator[yaml.Event]) -> yaml.Event | None:
    """The first event of the document's content (None for an empty file)."""
    for event in events:
        if not isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent)):
            return None if isinstance(event, (yaml.StreamEndEvent, yaml.DocumentEndEvent)) else event
    return None


def _items(path: Path, error: type[InputError], events: Iterator[yaml.Event], builder: _Builder,
           key: str | None = None) -> Iterator[Any]:
    """Build the list's items one by one, then read the rest of the file (``key``: the list is that
    key's value in the top-level mapping)."""
    with _yaml_errors(path, error):
        for event in events:
            if isinstance(event, yaml.SequenceEndEvent):
                break
            yield builder.build(event)
        _rest(events, builder, key)


def _rest(events: Iterator[yaml.Event], builder: _Builder, key: str | None) -> None:
    """Read what follows the list: a syntax error there is still one, and so are a second ``key``
    (``safe_load`` would silently take the last list, after the first had been used) and a second
    document (``safe_load`` refuses it too)."""
    if key is not None:
        while not isinstance(event := next(events), yaml.MappingEndEvent):
            if builder.build(event) == key:
                raise yaml.composer.ComposerError(None, None, f"found {key!r} a second time",
                                                  cast(Any, event.start_mark))
            builder.build(next(events))
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", cast(Any, event.start_mark))


def _items_under(path: Path, error: type[InputError], events: Iterator[yaml.Event], key: str) -> Iterator[Any] | None:
    builder = _Builder(events)
    for event in events:
        if isinstance(event, yaml.MappingEndEvent):
            return None
        name = builder.build(event)
        value = next(events)
        if name == key and isinstance(value, yaml.SequenceStartEvent):
            return _items(path, error, events, builder, key)  # anchors defined above stay usable
        builder.build(value)  # another key: read, not kept
    return None


class _Builder:
    """Composes one node from the events of a value and constructs it as ``yaml.safe_load`` does."""

    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self.events = events
        self.resolver: Any = yaml.resolver.Resolver()  # untyped in PyYAML's stubs
        self.anchors: dict[str, Any] = {}

    def build(self, first: Any) -> Any:
        return yaml.constructor.SafeConstructor().construct_document(self._compose(first))

    def _compose(self, event: Any) -> Any:
        start: Any = event.start_mark  # libyaml's marks: PyYAML's stubs know only the Python ones
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
            return self.anchors[str(event.anchor)]
        node: Any
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag if event.tag not in (None, "!") else \
                self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, start, start, style=event.style)
        elif isinstance(event, yaml.SequenceStartEvent):
            node = yaml.SequenceNode(self._tag(event, yaml.SequenceNode), [], start, None, flow_style=event.flow_style)
            while not isinstance(item := next(self.events), yaml.SequenceEndEvent):
                node.value.append(self._compose(item))
        elif isinstance(event, yaml.MappingStartEvent):
            node = yaml.MappingNode(self._tag(event, yaml.MappingNode), [], start, None, flow_style=event.flow_style)
            while not isinstance(item := next(self.events), yaml.MappingEndEvent):
                node.value.append((self._compose(item), self._compose(next(self.events))))
        else:
            raise yaml.composer.ComposerError(None, None, f"unexpected {type(event).__name__}", start)
        if getattr(event, "anchor", None):
            self.anchors[str(event.anchor)] = node
        return node

    def _tag(self, event: Any, kind: type[yaml.Node]) -> Any:
        return event.tag if event.tag not in (None, "!") else self.resolver.resolve(kind, None, event.implicit)
